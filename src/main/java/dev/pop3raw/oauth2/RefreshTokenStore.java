package dev.pop3raw.oauth2;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the refresh token lives between runs. Microsoft rotates refresh tokens: a token response may carry a new one,
 * and the old one stops working some time later, so an application that restarts must start from the newest.
 * Implement it to keep the token in a vault or a database; {@link FileRefreshTokenStore} keeps it in a file.
 */
public interface RefreshTokenStore {

    /** The stored refresh token, or empty when none was stored yet (then the configured one is used). */
    Optional<String> load() throws IOException;

    /** Stores a rotated refresh token, replacing the previous one. */
    void save(String refreshToken) throws IOException;
}
