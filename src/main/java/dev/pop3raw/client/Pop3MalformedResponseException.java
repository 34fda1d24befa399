package dev.pop3raw.client;

/**
 * The server sent something that is not a POP3 reply: no {@code +OK}/{@code -ERR}, a status line over the
 * length bound, a listing line that does not parse, a reply too large to hold. The session cannot be trusted
 * to be in step after this, so the client closes it.
 */
public class Pop3MalformedResponseException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3MalformedResponseException(String message) {
        super(message);
    }
}
