package dev.pop3raw.camel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.Exchange;

/**
 * Public access, for {@link dev.pop3raw.bench.SpoolFileBench}, to the package-private spool of the consumer
 * ({@link MessageSpool}, {@link SpooledMessageBody}) it measures. Test code only: it adds nothing but visibility.
 */
public final class MessageSpoolAccess implements AutoCloseable {

    private final MessageSpool spool = new MessageSpool();

    /** A spool of the kind one poll uses: files written over message after message, deleted on {@link #close()}. */
    public static MessageSpoolAccess open() {
        return new MessageSpoolAccess();
    }

    /** One message of {@code exchange} spooled to a file in {@code directory}: append its bytes, then read its body. */
    public Message lease(Exchange exchange, File directory) throws IOException {
        return new Message(spool.lease(exchange, directory));
    }

    @Override
    public void close() {
        spool.close();
    }

    /** A leased spool file holding one message. */
    public static final class Message {
        private final MessageSpool.Lease lease;

        private Message(MessageSpool.Lease lease) {
            this.lease = lease;
        }

        /** Adds bytes at the end of the message, as the consumer does while it receives it. */
        public void append(byte[] b, int off, int len) throws IOException {
            lease.append(b, off, len);
        }

        /** The body the exchange would carry (a {@code SpooledMessageBody}). */
        public InputStream body() {
            return new SpooledMessageBody(lease);
        }
    }
}
