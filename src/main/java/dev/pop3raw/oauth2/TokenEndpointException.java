package dev.pop3raw.oauth2;

import java.io.IOException;

/**
 * The token endpoint refused to issue a token, or answered with something that is not a token. The message names the
 * endpoint, the HTTP status and the OAuth {@code error} code and description (RFC 6749 section 5.2), never a secret
 * or token.
 */
public class TokenEndpointException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final String errorDescription;
    private final int httpStatus;

    public TokenEndpointException(String message, String error, String errorDescription, int httpStatus) {
        super(message);
        this.error = error;
        this.errorDescription = errorDescription;
        this.httpStatus = httpStatus;
    }

    /** The OAuth error code ({@code invalid_grant}, {@code invalid_client}, ...), or null when there was none. */
    public String error() {
        return error;
    }

    /** The endpoint's error_description, or null. */
    public String errorDescription() {
        return errorDescription;
    }

    /** The HTTP status of the answer; 0 when no answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }
}
