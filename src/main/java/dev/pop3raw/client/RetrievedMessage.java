package dev.pop3raw.client;

import java.io.InputStream;

/**
 * One message of a {@link RetrievalBatch}: either its data stream, or the server's refusal to send it (a
 * message deleted by another session between listing and RETR, say), so that one bad message does not stop
 * the rest.
 *
 * @param number the message number asked for
 * @param body   the message bytes, dot-stuffing removed, or {@code null} when {@link #error()} is set
 * @param error  the server's {@code -ERR}, or {@code null}
 */
public record RetrievedMessage(int number, InputStream body, Pop3ErrorResponseException error) {

    /** Whether the server sent the message. */
    public boolean retrieved() {
        return error == null;
    }
}
