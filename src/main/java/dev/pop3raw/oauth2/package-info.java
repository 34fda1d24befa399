/**
 * OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER: {@link dev.pop3raw.client.sasl.AccessTokenProvider}s that
 * ask a token endpoint (RFC 6749) with the refresh-token or the client-credentials grant, cache each token until
 * shortly before it expires, and keep a rotated refresh token in a {@link dev.pop3raw.oauth2.RefreshTokenStore}.
 * <p>
 * Beside the POP3 library ({@code dev.pop3raw.client}), not inside it: the client has no Camel imports at all, while
 * this package parses token responses with camel-util-json ({@link TokenResponse}), a small jar with no dependencies
 * of its own, on every Camel class path. No Camel runtime class is used here.
 */
package dev.pop3raw.oauth2;
