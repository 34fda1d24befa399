package dev.pop3raw.camel;

/**
 * A poll that ended in an {@link Error} (an {@link OutOfMemoryError}, say), reported as the poll's failure so that the
 * consumer keeps polling and its health check tells why (see {@code Pop3RawConsumer.pollEndedInError}). The Error is
 * the cause.
 */
public class Pop3RawPollErrorException extends Exception {

    private static final long serialVersionUID = 1L;

    public Pop3RawPollErrorException(String mailbox, Error cause) {
        super("pop3raw: the poll of " + mailbox + " ended in " + cause, cause);
    }
}
