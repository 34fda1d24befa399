package dev.pop3raw.oauth2;

import java.util.Objects;

/**
 * The OAuth client: its id and, for a confidential client, its secret (a public client, such as a Microsoft desktop
 * app registration, has none). {@link #toString()} shows the id only.
 */
public record ClientCredentials(String clientId, String clientSecret) {

    public ClientCredentials {
        Objects.requireNonNull(clientId, "clientId");
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("the OAuth client id is empty");
        }
        if (clientSecret != null && clientSecret.isEmpty()) {
            clientSecret = null; // an empty property means "no secret", not an empty one
        }
    }

    public boolean hasSecret() {
        return clientSecret != null;
    }

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + (hasSecret() ? ", secret ******" : ", public client") + "]";
    }
}
