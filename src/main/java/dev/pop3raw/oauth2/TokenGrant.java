package dev.pop3raw.oauth2;

import java.io.IOException;

/** One way of asking a token endpoint for an access token (an RFC 6749 grant). */
public interface TokenGrant {

    /** Asks the endpoint for a fresh access token; never answers from a cache. */
    TokenResponse requestToken() throws IOException;
}
