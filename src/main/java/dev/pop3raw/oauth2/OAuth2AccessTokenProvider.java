package dev.pop3raw.oauth2;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.pop3raw.client.sasl.AccessTokenProvider;

/**
 * Access tokens from an OAuth 2.0 token endpoint, for XOAUTH2 and OAUTHBEARER. A token is reused until shortly before
 * it expires (a minute, or half its lifetime when that is shorter), so a poll every minute does not cost a token
 * request each time; when the POP3 server refuses a token the client asks with {@code forceRefresh} and a fresh one
 * is fetched whatever the cache says. A token without a stated lifetime is kept until the server refuses it.
 * <p>
 * One provider serves one mailbox: the user name the client passes is not sent to the token endpoint (the refresh
 * token, or the application's permission, already says whose mail it is). Thread-safe: concurrent logins wait for one
 * token request instead of each making their own.
 */
public final class OAuth2AccessTokenProvider implements AccessTokenProvider, AutoCloseable {

    /** How long before its stated expiry a token is replaced: clocks drift and a login takes a while. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

    private final TokenGrant grant;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    public OAuth2AccessTokenProvider(TokenGrant grant) {
        this(grant, Clock.systemUTC());
    }

    /** @param clock decides when a cached token is due for replacement (tests move it instead of sleeping) */
    public OAuth2AccessTokenProvider(TokenGrant grant, Clock clock) {
        this.grant = Objects.requireNonNull(grant, "grant");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Refresh-token grant against {@code tokenEndpoint} with 10 s connect and 30 s request timeouts. */
    public static OAuth2AccessTokenProvider refreshToken(String tokenEndpoint, ClientCredentials client,
            String refreshToken, String scope, RefreshTokenStore store) {
        return new OAuth2AccessTokenProvider(new RefreshTokenGrant(defaultEndpoint(tokenEndpoint), client, refreshToken,
                scope, store));
    }

    /** Client-credentials grant against {@code tokenEndpoint} with 10 s connect and 30 s request timeouts. */
    public static OAuth2AccessTokenProvider clientCredentials(String tokenEndpoint, ClientCredentials client,
            String scope) {
        return new OAuth2AccessTokenProvider(new ClientCredentialsGrant(defaultEndpoint(tokenEndpoint), client, scope));
    }

    private static TokenEndpoint defaultEndpoint(String uri) {
        return new TokenEndpoint(URI.create(uri), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Override
    public synchronized String accessToken(String username, boolean forceRefresh) throws IOException {
        Instant now = clock.instant(); // taken before the request: the lifetime counts from when it was asked for
        if (!forceRefresh && token != null && now.isBefore(refreshAt)) {
            return token;
        }
        TokenResponse response = grant.requestToken();
        token = response.accessToken();
        refreshAt = response.expiresIn().map(lifetime -> now.plus(usableFor(lifetime))).orElse(Instant.MAX);
        return token;
    }

    /** The stated lifetime less the margin; never less than half of it, for short-lived tokens. */
    static Duration usableFor(Duration lifetime) {
        Duration margin = EXPIRY_MARGIN.compareTo(lifetime.dividedBy(2)) < 0 ? EXPIRY_MARGIN : lifetime.dividedBy(2);
        return lifetime.minus(margin);
    }

    /**
     * Lets go of the token endpoint's HTTP client (its connections and threads); the cached token is kept, and a later
     * request opens a new client.
     */
    @Override
    public void close() {
        grant.close();
    }

    public TokenGrant grant() {
        return grant;
    }

    @Override
    public String toString() {
        return "OAuth2AccessTokenProvider[" + grant + "]"; // the grant's toString shows no secret
    }
}
