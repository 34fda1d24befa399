package dev.pop3raw.client;

/**
 * The server closed the connection where a reply or more message data was due. Nothing the session marked
 * for deletion is deleted by a conforming server when this happens before {@code QUIT} completed.
 */
public class Pop3ConnectionClosedException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3ConnectionClosedException(String message) {
        super(message);
    }
}
