package dev.pop3raw.client;

/**
 * The client refused to go on because security would be weaker than asked for: STLS required but not
 * offered or failed, credentials that would cross an unencrypted connection, a certificate that does not
 * match its pin.
 */
public class Pop3SecurityException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3SecurityException(String message) {
        super(message);
    }

    /** @param message what went wrong, without secrets */
    public Pop3SecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
