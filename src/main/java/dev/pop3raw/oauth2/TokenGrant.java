package dev.pop3raw.oauth2;

import java.io.IOException;

/** One way of asking a token endpoint for an access token (an RFC 6749 grant). */
public interface TokenGrant extends AutoCloseable {

    /** Asks the endpoint for a fresh access token; never answers from a cache. */
    TokenResponse requestToken() throws IOException;

    /** Lets go of what the requests hold open (an HTTP client); a later request opens it again. */
    @Override
    default void close() {
    }
}
