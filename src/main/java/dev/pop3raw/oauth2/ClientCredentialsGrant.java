package dev.pop3raw.oauth2;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client-credentials grant (RFC 6749 section 4.4): the application logs in as itself, with no user and no refresh
 * token. Microsoft 365 app-only access: permission {@code POP.AccessAsApp}, scope
 * {@code https://outlook.office365.com/.default}, a token endpoint of the tenant itself (not common).
 */
public final class ClientCredentialsGrant implements TokenGrant {

    private final TokenEndpoint endpoint;
    private final ClientCredentials client;
    private final String scope;

    /** @param scope the scope asked for, or null to send none */
    public ClientCredentialsGrant(TokenEndpoint endpoint, ClientCredentials client, String scope) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.client = Objects.requireNonNull(client, "client");
        if (!client.hasSecret()) {
            throw new IllegalArgumentException("the client-credentials grant needs the client secret");
        }
        this.scope = scope == null || scope.isBlank() ? null : scope;
    }

    @Override
    public TokenResponse requestToken() throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", client.clientId());
        form.put("client_secret", client.clientSecret());
        form.put("scope", scope);
        return endpoint.requestToken(form, List.of(client.clientSecret()));
    }

    @Override
    public void close() {
        endpoint.close();
    }

    @Override
    public String toString() {
        return "client_credentials grant at " + endpoint.shownUri() + " for " + client;
    }
}
