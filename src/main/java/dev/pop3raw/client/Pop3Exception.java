package dev.pop3raw.client;

import java.io.IOException;

/**
 * Root of every failure the POP3 client reports (poplib's {@code error_proto}).
 * <p>
 * It is an {@link IOException} so that a caller can treat network and protocol trouble alike; the subclasses
 * say what went wrong: {@link Pop3ErrorResponseException} for a {@code -ERR} reply,
 * {@link Pop3MalformedResponseException} for a reply that is not POP3, {@link Pop3ConnectionClosedException}
 * for a server that hung up, {@link Pop3SecurityException} for a refused security downgrade.
 * Messages never contain passwords or tokens.
 */
public class Pop3Exception extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3Exception(String message) {
        super(message);
    }

    /** @param message what went wrong, without secrets */
    public Pop3Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
