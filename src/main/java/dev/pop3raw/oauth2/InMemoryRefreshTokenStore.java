package dev.pop3raw.oauth2;

import java.util.Optional;

/** Keeps a rotated refresh token for the life of the JVM only: the default when no store is configured. */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {

    private volatile String refreshToken;

    @Override
    public Optional<String> load() {
        return Optional.ofNullable(refreshToken);
    }

    @Override
    public void save(String refreshToken) {
        this.refreshToken = refreshToken;
    }

    @Override
    public String toString() {
        return "InMemoryRefreshTokenStore"; // no token
    }
}
