package dev.pop3raw.camel;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool files of one poll, each written over by message after message. Camel's {@link
 * org.apache.camel.converter.stream.CachedOutputStream} creates a temporary file per message and deletes it when the
 * exchange completes; on Linux that costs more than writing the bytes: every 4 KiB page of a new file is allocated and
 * reserved on the file system as it is written, and given back on unlink, while writing over pages a file already has
 * only copies (docs/performance.adoc, "Reusing the spool files": 50 MiB written, read back and deleted in 35-40 ms per
 * message against about 15 ms written over and read back). A poll needs two files at most: the message being routed
 * and the next one, received while the consumer holds the first.
 * <p>
 * <b>Leases.</b> A file holds one message at a time, under a {@link Lease} that ends when every exchange holding the
 * message has completed: its own and those of its copies (multicast, wire tap), whose completions Camel runs whenever
 * and on whatever thread they finish. Only then is the file given to another message, so a body is never read once
 * overwritten: a read through a lease that has ended throws, even one that was under way when it ended.
 * <p>
 * <b>Lifetime.</b> The files are created in the spool directory of the consumer's {@link SpoolPolicy} (the stream
 * caching strategy's, removed with its content when the context stops unless configured otherwise, or the
 * component's own) and deleted when the poll ends ({@link #close()}), or, for a
 * file still leased then (an exchange that went on asynchronously), when its lease ends.
 */
final class MessageSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSpool.class);

    /** The most a caller writes at once (the consumer's copy buffer); a larger write just grows the heap part more. */
    private static final int WRITE_SIZE = 64 * 1024;

    /**
     * The most the heap part reserves up front for a message on the strength of its listed size: a server's LIST size
     * is a claim, and a false one must not make a small message cost a large array. Beyond it the part grows.
     */
    private static final int MAX_PRESIZE = 16 * 1024 * 1024;

    private final List<SpoolFile> idle = new ArrayList<>(2);
    private boolean closed;

    /**
     * A file for the message of {@code exchange}, empty: an idle one of this poll or a new one. The lease ends when the
     * exchange completes (also when it is discarded unrouted: its completions run then too).
     */
    Lease lease(Exchange exchange, File directory) throws IOException {
        SpoolFile file;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the spool of this poll is closed");
            }
            file = idle.isEmpty() ? null : idle.remove(idle.size() - 1);
        }
        if (file == null) {
            file = SpoolFile.create(directory);
        }
        Lease lease = new Lease(file);
        lease.holdUntilDone(exchange);
        return lease;
    }

    /**
     * Where the message of {@code exchange} is received: in memory until {@code policy} says it leaves the heap, from
     * then on in a file of this spool. {@code listedOctets} is the size the listing gave (-1 if none): a message the
     * heap keeps gets an array of that size at once, instead of one grown by copies and trimmed by another.
     */
    Output output(Exchange exchange, SpoolPolicy policy, long listedOctets) {
        return new Output(exchange, policy, listedOctets);
    }

    /**
     * As {@link #output}, with the file leased now rather than when the message first exceeds the policy's bound: for
     * a message routed while it arrives, whose exchange may have been handed over by then (see {@link
     * StreamedMessageCache#spooled}).
     */
    Output leasedOutput(Exchange exchange, SpoolPolicy policy) throws IOException {
        Output output = new Output(exchange, policy, -1);
        output.leased = lease(exchange, policy.directory());
        return output;
    }

    /** Ends the poll: idle files are deleted now, leased ones when their lease ends. */
    @Override
    public void close() {
        List<SpoolFile> deleting;
        synchronized (this) {
            closed = true;
            deleting = new ArrayList<>(idle);
            idle.clear();
        }
        deleting.forEach(SpoolFile::delete);
    }

    /** Number of files of this poll not leased now (for tests). */
    synchronized int idleFiles() {
        return idle.size();
    }

    private void giveBack(SpoolFile file) {
        synchronized (this) {
            if (!closed) {
                idle.add(file);
                return;
            }
        }
        file.delete();
    }

    /** A message as it is received; {@link #toStreamCache()} once it is whole. */
    final class Output extends OutputStream {
        private final Exchange exchange;
        private final SpoolPolicy policy;
        /** The message while it is within the policy's bound; null once it is spooled. */
        private HeapPart memory;
        /** The file the message is written to once it leaves the heap; null before. */
        private Lease lease;
        /** A file taken before it is needed ({@link #leasedOutput}); null otherwise. */
        private Lease leased;
        private long length;

        private Output(Exchange exchange, SpoolPolicy policy, long listedOctets) {
            this.exchange = exchange;
            this.policy = policy;
            this.memory = new HeapPart(Math.addExact(Math.min(policy.heapBound(), Integer.MAX_VALUE), WRITE_SIZE),
                    listedOctets >= 0 && !policy.spools(listedOctets) ? (int) Math.min(listedOctets, MAX_PRESIZE) : 0);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            length += len;
            if (lease == null && policy.spools(length)) {
                // ended with the exchange (also when it is discarded unrouted)
                lease = leased != null ? leased : lease(exchange, policy.directory());
                memory.moveTo(lease);
                memory = null;
            }
            if (lease != null) {
                lease.append(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        /** The whole message: a {@link SpooledMessageBody} once spooled, else the bytes in memory. */
        StreamCache toStreamCache() {
            return lease != null ? new SpooledMessageBody(lease) : new InputStreamCache(memory.toByteArray());
        }

        /** {@link #toStreamCache()} for another exchange: a file holds the message until that one has completed too. */
        StreamCache toStreamCacheFor(Exchange copyExchange) throws IOException {
            if (lease != null) {
                lease.holdUntilDone(copyExchange);
            }
            return toStreamCache();
        }
    }

    /**
     * The start of a message, in the heap until it is moved, without a copy, into a spool file. Starts at the expected
     * size when one is known (the listed size, which Dovecot and most servers give exactly: then the array is filled
     * once and handed over as it is). Grows by doubling, but not beyond {@code limit} (the policy's bound plus one
     * write) while what it holds fits in it: a message kept within the bound never costs the heap twice the bound.
     */
    private static final class HeapPart {
        private static final int INITIAL = 8 * 1024;
        private final long limit;
        private byte[] buf;
        private int count;

        HeapPart(long limit, int expected) {
            this.limit = limit;
            this.buf = new byte[Math.max(INITIAL, expected)];
        }

        void write(byte[] b, int off, int len) {
            int needed = Math.addExact(count, len);
            if (needed > buf.length) {
                long grown = 2L * buf.length;
                if (grown > limit && needed <= limit) {
                    grown = limit; // within the bound: no further than the bound
                }
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(grown, needed)));
            }
            System.arraycopy(b, off, buf, count, len);
            count = needed;
        }

        void moveTo(Lease lease) throws IOException {
            lease.append(buf, 0, count);
        }

        /** The bytes, in an array of their exact size (the buffer itself when it is exactly full). */
        byte[] toByteArray() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }

    /**
     * One message in a spool file: written once by the consumer ({@link #append}), then read through {@link
     * SpooledMessageBody}s, one per exchange holding the message, until the last of them completes.
     */
    final class Lease {
        private final SpoolFile file;
        private long length;
        private int holders;
        private volatile boolean ended;

        private Lease(SpoolFile file) {
            this.file = file;
        }

        /** Adds bytes at the end of the message (the consumer, before the body is handed out). */
        void append(byte[] b, int off, int len) throws IOException {
            requireLive();
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            long start = length;
            while (src.hasRemaining()) {
                file.channel.write(src, start + src.position() - off);
            }
            length = start + len;
        }

        long length() {
            return length;
        }

        String fileName() {
            return file.path.getFileName().toString();
        }

        /**
         * Reads {@code len} bytes of the message from {@code position} (the caller keeps within the length). Throws if
         * the lease ended before or during the read: the file may hold another message by then.
         */
        int read(long position, byte[] b, int off, int len) throws IOException {
            requireLive();
            ByteBuffer dst = ByteBuffer.wrap(b, off, len);
            while (dst.hasRemaining()) {
                if (file.channel.read(dst, position + dst.position() - off) < 0) {
                    throw new EOFException("spool file " + file.path + " ends before its message does (truncated?)");
                }
            }
            requireLive();
            return len;
        }

        /** One more exchange holds the message until it completes (a copy's). */
        void holdUntilDone(Exchange holder) throws IOException {
            synchronized (this) {
                requireLive();
                holders++;
            }
            holder.getExchangeExtension().addOnCompletion(new Release());
        }

        private void requireLive() throws IOException {
            if (ended) {
                throw new IOException("the spooled message can no longer be read: its exchange has completed and its"
                        + " spool file was given to another message");
            }
        }

        private void release() {
            synchronized (this) {
                if (--holders > 0) {
                    return;
                }
                ended = true;
            }
            giveBack(file);
        }

        /** Runs first among the exchange's completions, once however often Camel calls it. */
        private final class Release extends SynchronizationAdapter {
            private boolean done;

            @Override
            public void onDone(Exchange exchange) {
                synchronized (Lease.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                }
                release();
            }

            @Override
            public int getOrder() {
                return Ordered.HIGHEST;
            }

            @Override
            public String toString() {
                return "pop3raw release of spool file " + file.path.getFileName();
            }
        }
    }

    /** A temporary file, open for reading and writing until it is deleted. */
    private static final class SpoolFile {
        final Path path;
        final FileChannel channel;

        private SpoolFile(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        static SpoolFile create(File directory) throws IOException {
            Path dir = directory.toPath();
            Path path;
            try {
                Files.createDirectories(dir);
                path = Files.createTempFile(dir, "pop3raw-", ".tmp");
            } catch (IOException e) {
                throw new IOException("cannot create a spool file in the spool directory " + dir + ": "
                        + e, e);
            }
            try {
                return new SpoolFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(path);
                throw e;
            }
        }

        void delete() {
            try {
                channel.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("pop3raw: could not delete spool file {}: {}", path, e.getMessage());
            }
        }
    }
}
