package dev.pop3raw.oauth2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh-token grant (RFC 6749 section 6): Gmail, and Microsoft 365 with the delegated permission
 * {@code POP.AccessAsUser.All}. The refresh token was obtained once, with the user's consent, outside this program.
 * <p>
 * When the answer carries a new refresh token (Microsoft rotates them) it replaces the old one here and is saved in
 * the {@link RefreshTokenStore}. The first request reads the store: a token stored by an earlier run wins over the
 * configured one, which may have been superseded since. Should the stored token be refused as invalid_grant while a
 * different one is configured, the configured one is tried once: an operator who pastes a fresh token into the
 * configuration after the stored one expired need not also delete the file.
 */
public final class RefreshTokenGrant implements TokenGrant {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenGrant.class);

    private final TokenEndpoint endpoint;
    private final ClientCredentials client;
    private final String configuredRefreshToken;
    private final String scope;
    private final RefreshTokenStore store;
    private String refreshToken;
    private boolean loaded;

    /**
     * @param refreshToken the configured refresh token; may be null when the store holds one
     * @param scope        the scope asked for, or null to send none (the grant then keeps the original scope)
     * @param store        where rotated refresh tokens go; null keeps them in memory
     */
    public RefreshTokenGrant(TokenEndpoint endpoint, ClientCredentials client, String refreshToken, String scope,
            RefreshTokenStore store) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.client = Objects.requireNonNull(client, "client");
        this.configuredRefreshToken = refreshToken == null || refreshToken.isBlank() ? null : refreshToken.strip();
        this.scope = scope == null || scope.isBlank() ? null : scope;
        this.store = store == null ? new InMemoryRefreshTokenStore() : store;
    }

    @Override
    public synchronized TokenResponse requestToken() throws IOException {
        if (!loaded) {
            Optional<String> stored = store.load();
            refreshToken = stored.orElse(configuredRefreshToken);
            loaded = true;
        }
        if (refreshToken == null) {
            throw new IOException("no refresh token: none is configured and " + store + " holds none");
        }
        TokenResponse response;
        try {
            response = request(refreshToken);
        } catch (TokenEndpointException e) {
            boolean storedOneRefused = "invalid_grant".equals(e.error()) && configuredRefreshToken != null
                    && !configuredRefreshToken.equals(refreshToken);
            if (!storedOneRefused) {
                throw e;
            }
            LOG.warn("The stored refresh token was refused ({}); trying the configured one", e.error());
            response = request(configuredRefreshToken);
            remember(configuredRefreshToken);
        }
        response.refreshToken().filter(rotated -> !rotated.equals(refreshToken)).ifPresent(this::remember);
        return response;
    }

    private TokenResponse request(String token) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", token);
        form.put("client_id", client.clientId());
        form.put("client_secret", client.clientSecret());
        form.put("scope", scope);
        List<String> secrets = new ArrayList<>(List.of(token));
        if (client.hasSecret()) {
            secrets.add(client.clientSecret());
        }
        return endpoint.requestToken(form, secrets);
    }

    /**
     * Uses {@code token} from now on and stores it. A store that fails costs nothing now (the token is kept in
     * memory and the login goes on), but the next restart starts from an older token: say so, loudly.
     */
    private void remember(String token) {
        refreshToken = token;
        try {
            store.save(token);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not store the new refresh token in {} (kept in memory until the next restart): {}", store,
                    e.toString());
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }

    @Override
    public String toString() {
        return "refresh_token grant at " + endpoint.shownUri() + " for " + client + ", stored in " + store;
    }
}
