package dev.pop3raw.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * The body of a message received whole into a file of the poll's {@link MessageSpool}: a stream cache that reads
 * the message from its lease, from the first byte again after {@link #reset()}. Each exchange holding the message has
 * its own body (its own position); the message's file is written over by another message only after all of them
 * have completed, and a read after that throws rather than return another message's bytes.
 */
final class SpooledMessageBody extends InputStream implements StreamCache {

    private final MessageSpool.Lease lease;
    private long position;
    /** The buffer of {@link #read()} (a byte-at-a-time reader must not allocate per byte). */
    private final byte[] single = new byte[1];

    SpooledMessageBody(MessageSpool.Lease lease) {
        this.lease = lease;
    }

    @Override
    public int read() throws IOException {
        return read(single, 0, 1) < 0 ? -1 : single[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long left = lease.length() - position;
        if (left <= 0) {
            return -1;
        }
        int n = lease.read(position, b, off, (int) Math.min(len, left));
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, lease.length() - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, lease.length() - position);
    }

    /** Back to the first byte (as Camel's file cache does). */
    @Override
    public void reset() {
        position = 0;
    }

    /** The whole message, from its first byte, whatever was read before (as Camel's file cache does). */
    @Override
    public void writeTo(OutputStream os) throws IOException {
        byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(1, lease.length()))];
        for (long at = 0; at < lease.length();) {
            int n = lease.read(at, buffer, 0, (int) Math.min(buffer.length, lease.length() - at));
            os.write(buffer, 0, n);
            at += n;
        }
    }

    /**
     * A copy for another exchange (multicast, wire tap), reading the same file from the first byte. The file keeps
     * this message until that exchange has completed too: a wire tap's exchange may outlive this one.
     */
    @Override
    public StreamCache copy(Exchange exchange) throws IOException {
        lease.holdUntilDone(exchange);
        return new SpooledMessageBody(lease);
    }

    @Override
    public boolean inMemory() {
        return false;
    }

    @Override
    public long length() {
        return lease.length();
    }

    @Override
    public long position() {
        return position;
    }

    /** Nothing to close: the file belongs to the lease, which ends with the exchanges holding the message. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "SpooledMessageBody[" + lease.fileName() + ", " + lease.length() + " octets]";
    }
}
