package dev.pop3raw.client;

/**
 * The server sent something that is not a POP3 reply. When the reply cannot be framed (no {@code +OK}/{@code -ERR},
 * a status line over the length bound, a multi-line reply without its terminator or with more lines than
 * maxListingEntries) the session cannot be trusted to be in step, so the client closes it. When a well-framed reply
 * has malformed content (a {@code STAT}, {@code LIST n} or {@code UIDL n} answer that does not parse) only the call
 * fails and the session goes on; {@link Pop3Client#isClosed()} tells which. Malformed lines inside a LIST or UIDL
 * listing are not failures at all: see {@link Listing}.
 */
public class Pop3MalformedResponseException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public Pop3MalformedResponseException(String message) {
        super(message);
    }
}
