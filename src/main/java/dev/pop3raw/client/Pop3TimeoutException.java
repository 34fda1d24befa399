package dev.pop3raw.client;

/** The server did not answer within the read timeout; the client closed the connection. */
public class Pop3TimeoutException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
