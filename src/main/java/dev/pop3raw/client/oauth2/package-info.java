/**
 * OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER: {@link dev.pop3raw.client.sasl.AccessTokenProvider}s that
 * ask a token endpoint (RFC 6749) with the refresh-token or the client-credentials grant, cache each token until
 * shortly before it expires, and keep a rotated refresh token in a {@link dev.pop3raw.client.oauth2.RefreshTokenStore}.
 * <p>
 * Part of the POP3 library: no Camel runtime imports. The one exception is the JSON parser of {@link TokenResponse},
 * camel-util-json, a small jar with no dependencies of its own (the component's class path has it anyway).
 */
package dev.pop3raw.client.oauth2;
