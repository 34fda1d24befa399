package dev.pop3raw.client.sasl;

import java.io.IOException;

/**
 * Supplies OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER.
 * <p>
 * The client asks for a token once per login. When the server rejects it, the client asks again with
 * {@code forceRefresh = true} before giving up, so an implementation backed by a refresh token can
 * replace an expired access token.
 */
@FunctionalInterface
public interface AccessTokenProvider {

    /**
     * @param  username     the mailbox user the token is for
     * @param  forceRefresh true when a previously returned token was rejected and a fresh one is needed
     * @return              an access token (never logged by the client)
     */
    String accessToken(String username, boolean forceRefresh) throws IOException;
}
