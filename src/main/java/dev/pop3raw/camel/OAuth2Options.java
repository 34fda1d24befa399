package dev.pop3raw.camel;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.oauth2.ClientCredentials;
import dev.pop3raw.oauth2.ClientCredentialsGrant;
import dev.pop3raw.oauth2.FileRefreshTokenStore;
import dev.pop3raw.oauth2.OAuth2AccessTokenProvider;
import dev.pop3raw.oauth2.RefreshTokenGrant;
import dev.pop3raw.oauth2.RefreshTokenStore;
import dev.pop3raw.oauth2.TokenEndpoint;
import dev.pop3raw.oauth2.TokenGrant;

/**
 * Turns the endpoint's oauth2 options into an {@link AccessTokenProvider}, so that a route configured only by URI
 * options (YAML, properties) can log in with XOAUTH2 / OAUTHBEARER. Every configuration that cannot work is refused
 * here, at endpoint start, with a message naming the option to change; none names a secret's value.
 */
final class OAuth2Options {

    static final String GOOGLE_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";
    static final String MICROSOFT_DELEGATED_SCOPE = "https://outlook.office.com/POP.AccessAsUser.All offline_access";
    static final String MICROSOFT_APP_SCOPE = "https://outlook.office365.com/.default";
    /** Tenant aliases that serve many tenants: they cannot issue an app-only token, which belongs to one tenant. */
    private static final Set<String> MULTI_TENANT_ALIASES = Set.of("common", "organizations", "consumers");

    private OAuth2Options() {
    }

    /** The provider the options describe, or null when no oauth2 option is set. */
    static AccessTokenProvider provider(Pop3RawConfiguration c) {
        if (!c.hasOAuth2Options()) {
            return null;
        }
        if (isEmpty(c.getOauth2ClientId())) {
            throw new IllegalArgumentException("pop3raw: oauth2ClientId is required with the oauth2 options");
        }
        OAuth2Provider provider = c.getOauth2Provider() == null ? OAuth2Provider.CUSTOM : c.getOauth2Provider();
        OAuth2Grant grant = grant(c);
        TokenEndpoint endpoint = tokenEndpoint(c, provider, grant);
        ClientCredentials client = new ClientCredentials(c.getOauth2ClientId().strip(), c.getOauth2ClientSecret());
        String scope = !isEmpty(c.getOauth2Scope()) ? c.getOauth2Scope() : defaultScope(provider, grant);
        TokenGrant tokenGrant;
        if (grant == OAuth2Grant.CLIENT_CREDENTIALS) {
            if (!client.hasSecret()) {
                throw new IllegalArgumentException("pop3raw: oauth2Grant=client_credentials needs oauth2ClientSecret");
            }
            tokenGrant = new ClientCredentialsGrant(endpoint, client, scope);
        } else {
            RefreshTokenStore store = store(c);
            requireRefreshToken(c, store);
            tokenGrant = new RefreshTokenGrant(endpoint, client, c.getOauth2RefreshToken(), scope, store);
        }
        return new OAuth2AccessTokenProvider(tokenGrant);
    }

    private static OAuth2Grant grant(Pop3RawConfiguration c) {
        OAuth2Grant grant = c.getOauth2Grant() == null ? OAuth2Grant.AUTO : c.getOauth2Grant();
        if (grant != OAuth2Grant.AUTO) {
            return grant;
        }
        boolean refreshTokenGiven = !isEmpty(c.getOauth2RefreshToken()) || !isEmpty(c.getOauth2RefreshTokenFile())
                || c.getOauth2RefreshTokenStore() != null;
        return refreshTokenGiven ? OAuth2Grant.REFRESH_TOKEN : OAuth2Grant.CLIENT_CREDENTIALS;
    }

    private static TokenEndpoint tokenEndpoint(Pop3RawConfiguration c, OAuth2Provider provider, OAuth2Grant grant) {
        String uri = c.getOauth2TokenEndpoint();
        if (isEmpty(uri)) {
            uri = switch (provider) {
                case GOOGLE -> GOOGLE_TOKEN_ENDPOINT;
                case MICROSOFT -> microsoftTokenEndpoint(c.getOauth2Tenant(), grant);
                case CUSTOM -> throw new IllegalArgumentException("pop3raw: set oauth2TokenEndpoint, or oauth2Provider"
                        + " to google or microsoft");
            };
        }
        if (provider == OAuth2Provider.GOOGLE && grant == OAuth2Grant.CLIENT_CREDENTIALS) {
            throw new IllegalArgumentException("pop3raw: oauth2Provider=google needs oauth2RefreshToken (Gmail has no"
                    + " client_credentials grant)");
        }
        try {
            return new TokenEndpoint(URI.create(uri.strip()), Duration.ofMillis(c.getConnectTimeout()),
                    Duration.ofMillis(c.getReadTimeout()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pop3raw: oauth2TokenEndpoint: " + e.getMessage(), e);
        }
    }

    private static String microsoftTokenEndpoint(String tenant, OAuth2Grant grant) {
        String t = isEmpty(tenant) ? "common" : tenant.strip();
        if (!t.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("pop3raw: oauth2Tenant must be a tenant id or domain, was '" + t + "'");
        }
        if (grant == OAuth2Grant.CLIENT_CREDENTIALS && MULTI_TENANT_ALIASES.contains(t.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("pop3raw: oauth2Grant=client_credentials needs oauth2Tenant set to your"
                    + " tenant id or domain (" + t + " cannot issue app-only tokens)");
        }
        return "https://login.microsoftonline.com/" + t + "/oauth2/v2.0/token";
    }

    private static String defaultScope(OAuth2Provider provider, OAuth2Grant grant) {
        if (provider != OAuth2Provider.MICROSOFT) {
            return null; // Google keeps the granted scope on refresh; a custom endpoint says what it needs
        }
        return grant == OAuth2Grant.CLIENT_CREDENTIALS ? MICROSOFT_APP_SCOPE : MICROSOFT_DELEGATED_SCOPE;
    }

    private static RefreshTokenStore store(Pop3RawConfiguration c) {
        boolean file = !isEmpty(c.getOauth2RefreshTokenFile());
        if (file && c.getOauth2RefreshTokenStore() != null) {
            throw new IllegalArgumentException("pop3raw: set oauth2RefreshTokenFile or oauth2RefreshTokenStore, not"
                    + " both");
        }
        return file
                ? new FileRefreshTokenStore(Path.of(c.getOauth2RefreshTokenFile().strip()))
                : c.getOauth2RefreshTokenStore(); // null: the grant keeps rotated tokens in memory
    }

    /** A refresh grant with nothing to refresh would fail at every poll: refuse it at start instead. */
    private static void requireRefreshToken(Pop3RawConfiguration c, RefreshTokenStore store) {
        if (!isEmpty(c.getOauth2RefreshToken())) {
            return;
        }
        if (store == null) {
            throw new IllegalArgumentException("pop3raw: oauth2Grant=refresh_token needs oauth2RefreshToken (or"
                    + " oauth2RefreshTokenFile holding one)");
        }
        try {
            if (store.load().isEmpty()) {
                String option = store instanceof FileRefreshTokenStore
                        ? "oauth2RefreshTokenFile"
                        : "oauth2RefreshTokenStore";
                throw new IllegalArgumentException("pop3raw: oauth2RefreshToken is not set and " + option + " ("
                        + store + ") holds no refresh token");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("pop3raw: cannot read the refresh token from " + store + ": " + e, e);
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isBlank();
    }
}
