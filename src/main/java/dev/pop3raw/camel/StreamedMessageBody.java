package dev.pop3raw.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a message routed while it still arrives ({@code streamDownload=true}): reads serve first the bytes the
 * consumer already read (its first copy buffer), then come straight from the message data of the POP3 session.
 * Every byte handed out is also written to a {@link StreamedMessageCache} (in the heap up to the {@link SpoolPolicy}'s
 * bound, then a spool file of the poll; Camel's {@link CachedOutputStream} for an encrypted spool), so that once the
 * message is whole it can be replayed from the cache ({@link #reset()}, {@link #writeTo}, {@link #copy}) like any
 * other stream cache.
 * <p>
 * <b>Two threads.</b> The route reads, perhaps on another thread (seda, threads); the consumer thread must finish the
 * message ({@link #finish()}) before the session can go on to the next one. All public methods are synchronized.
 * <p>
 * <b>Lifetime of the cache.</b> Camel's cache is created with {@code closedOnCompletion=false} and closed (its temp
 * file deleted) by this body's own completion, which is registered when the exchange is created and so travels with the
 * exchange when Camel hands its completions over (seda). A {@link CachedOutputStream} that registers its own cleanup
 * does so when it first spools, which here can happen after the exchange was handed over or has even completed: that
 * cleanup would never run. The completion runs before any other ({@link Ordered#HIGHEST}) and takes this body's lock,
 * so that once it has run nothing writes to the cache again; the consumer then only discards what is left. Copies
 * ({@link #copy}) read the same cache, which is closed only when the exchanges of the copies have completed too. A
 * spool file's lease is taken when the body is attached, for the same reason, and ends the same way.
 * <p>
 * <b>Failures.</b> A failure to read the message data (connection cut, timeout) or more octets than maxMessageSize is
 * thrown to the reader and kept: every later read throws it again (an end of stream would pass a truncated message off
 * as whole), and {@link #finish()} throws it to the consumer, which ends the session.
 */
final class StreamedMessageBody extends InputStream implements StreamCache {

    private static final Logger LOG = LoggerFactory.getLogger(StreamedMessageBody.class);
    private static final int DRAIN_BUFFER_SIZE = 64 * 1024;

    private final Exchange exchange;
    private final String uidl;
    private final long maxMessageSize;
    /** The bytes the consumer read before the exchange was created (an exact-size copy). */
    private final byte[] head;
    private int headPos;
    /** The rest of the message on the wire; null once it ended or was abandoned after a failure. */
    private InputStream wire;
    /** Octets taken from the message so far: the head and everything read from the wire. */
    private long received;
    /** Octets handed to the reader while streaming (the cache holds exactly these). */
    private long position;
    private final StreamedMessageCache cache;
    /** The whole message, read back from the cache; null while the message is still streaming. */
    private StreamCache replay;
    /** {@link #reset()} was called after a read: the next read starts from the first byte (see there). */
    private boolean rewindPending;
    /** The buffer of {@link #read()} (a byte-at-a-time reader must not allocate per byte). */
    private final byte[] single = new byte[1];
    /** The exchange completed: the cache may be closed and must never be written again. */
    private boolean released;
    /** The exchanges that may still read the cache: this body's own and those given a {@link #copy}. */
    private int holders = 1;
    /** Reading the message data failed or exceeded maxMessageSize: the session is out of step. */
    private IOException wireFailure;
    private Pop3RawOversizeException oversize;
    /** Writing to the cache failed: the reader fails, but the session itself is still in step. */
    private IOException cacheFailure;

    private StreamedMessageBody(Exchange exchange, String uidl, long maxMessageSize, byte[] head, InputStream wire,
            StreamedMessageCache cache) {
        this.exchange = exchange;
        this.cache = cache;
        this.uidl = uidl;
        this.maxMessageSize = maxMessageSize;
        this.head = head;
        this.wire = wire;
        this.received = head.length;
    }

    /**
     * A body for {@code exchange} that starts with {@code head} and continues with {@code wire}, registered to release
     * its cache when the exchange completes.
     */
    static StreamedMessageBody attach(
            Exchange exchange, String uidl, long maxMessageSize, byte[] head, InputStream wire,
            StreamedMessageCache cache) {
        StreamedMessageBody body = new StreamedMessageBody(exchange, uidl, maxMessageSize, head, wire, cache);
        exchange.getExchangeExtension().addOnCompletion(body.new Release(true));
        return body;
    }

    // ---------------------------------------------------------------- InputStream (the route)

    @Override
    public synchronized int read() throws IOException {
        byte[] one = single;
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        rewindIfPending();
        if (replay != null) {
            return ((InputStream) replay).read(b, off, len);
        }
        requireReadable();
        if (len == 0) {
            return 0;
        }
        int n;
        if (headPos < head.length) {
            n = Math.min(len, head.length - headPos);
            System.arraycopy(head, headPos, b, off, n);
            headPos += n;
        } else {
            n = pull(b, off, len);
            if (n < 0) {
                return -1;
            }
        }
        cacheWrite(b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() throws IOException {
        rewindIfPending();
        if (replay != null) {
            return ((InputStream) replay).available();
        }
        return released ? 0 : head.length - headPos; // the wire's estimate would hide the terminator handling
    }

    /** Does not touch the session: the consumer finishes the message. */
    @Override
    public void close() {
        // nothing: closing must not cut the message short, and the cache lives until the exchange completes
    }

    // ---------------------------------------------------------------- StreamCache

    /**
     * Before anything was read: nothing (Camel resets the body on route entry, which must not wait for the whole
     * message). After: the next read starts again from the first byte; the rest of the message is read into the cache
     * and the cache opened for reading only then. Camel also resets the body when the route ends, and then mostly
     * nobody reads it again: opening the cache there (for a spooled message, a file opened and read up to the old
     * position) would be work for nothing. A failure is not thrown here (a reset has no way to report it) but by the
     * next read.
     */
    @Override
    public synchronized void reset() {
        if (replay != null) {
            replay.reset();
            rewindPending = false;
        } else if (position > 0) {
            rewindPending = true;
        }
    }

    /** Carries out a pending {@link #reset()}: the whole message in the cache, read again from its first byte. */
    private void rewindIfPending() throws IOException {
        if (rewindPending) {
            ensureWhole();
            replay.reset();
            rewindPending = false;
        }
    }

    /** The whole message, from its first byte (it is read to its end first). */
    @Override
    public synchronized void writeTo(OutputStream os) throws IOException {
        ensureWhole();
        StreamCache view = cache.view();
        try {
            view.writeTo(os);
        } finally {
            IOHelper.close((InputStream) view);
        }
    }

    /**
     * A copy for another exchange (multicast, wire tap): the message is read to its end, and the copy reads the same
     * cache from its first byte. The cache then lives until this exchange and every copy's exchange have completed,
     * as Camel's own file cache does: a multicast branch resets its body after its own completions have run, and a
     * wire tap's exchange may outlive this one.
     */
    @Override
    public synchronized StreamCache copy(Exchange copyExchange) throws IOException {
        ensureWhole();
        StreamCache view = cache.viewFor(copyExchange);
        holders++;
        copyExchange.getExchangeExtension().addOnCompletion(new Release(false));
        return view;
    }

    /** Not in memory: the message may still be on the wire (and Camel's logging must not read it to show it). */
    @Override
    public boolean inMemory() {
        return false;
    }

    /** The length of the whole message (it is read to its end first); what was received so far if that fails. */
    @Override
    public synchronized long length() {
        try {
            ensureWhole();
        } catch (IOException e) {
            LOG.debug("pop3raw: length of message {} unknown: {}", uidl, e.getMessage());
        }
        return received;
    }

    @Override
    public synchronized long position() {
        if (rewindPending) {
            return 0;
        }
        return replay != null ? replay.position() : position;
    }

    // ---------------------------------------------------------------- the consumer

    /**
     * Called by the consumer once the route has returned (or the exchange will not be routed): reads the rest of the
     * message so that the session stays in step. While the exchange is in flight, into the cache (another thread may
     * still read it); after it completed, the rest is discarded.
     *
     * @throws IOException                reading the message data failed, now or while the route read it: the session
     *                                    is broken (the client closed itself)
     * @throws Pop3RawOversizeException the message has more octets than maxMessageSize: the caller drops the session
     */
    synchronized void finish() throws IOException, Pop3RawOversizeException {
        requireSessionInStep();
        if (wire == null) {
            return;
        }
        if (!released && cacheFailure == null) {
            try {
                ensureWhole();
                return;
            } catch (IOException e) {
                requireSessionInStep();
                // only the cache failed: the reader will see that; the rest is discarded below
            }
        }
        byte[] sink = new byte[DRAIN_BUFFER_SIZE];
        try {
            while (pull(sink, 0, sink.length) >= 0) {
                // discard
            }
        } catch (IOException e) {
            requireSessionInStep();
            throw e;
        }
    }

    /** Octets of the message received so far (all of them once {@link #finish()} returned normally). */
    synchronized long receivedOctets() {
        return received;
    }

    // ---------------------------------------------------------------- internals

    private void requireSessionInStep() throws IOException, Pop3RawOversizeException {
        if (oversize != null) {
            throw oversize;
        }
        if (wireFailure != null) {
            throw wireFailure;
        }
    }

    private void requireReadable() throws IOException {
        if (wireFailure != null) {
            throw wireFailure;
        }
        if (cacheFailure != null) {
            throw cacheFailure;
        }
        if (released) {
            throw new IOException("message " + uidl + " can no longer be read: its exchange has completed");
        }
    }

    /** Reads the rest of the message into the cache and opens the replay at the reader's position. */
    private void ensureWhole() throws IOException {
        if (replay != null) {
            return;
        }
        requireReadable();
        if (headPos < head.length) {
            cacheWrite(head, headPos, head.length - headPos);
            headPos = head.length;
        }
        byte[] buffer = new byte[DRAIN_BUFFER_SIZE];
        int n;
        while (wire != null && (n = pull(buffer, 0, buffer.length)) >= 0) {
            cacheWrite(buffer, 0, n);
        }
        try {
            StreamCache whole = cache.view();
            ((InputStream) whole).skipNBytes(position);
            replay = whole;
        } catch (IOException | RuntimeException e) {
            // the wire is done with, but the reader must not take the end of the stream for the end of the message
            cacheFailure = new IOException("reading back the cache of message " + uidl + " failed: " + e.getMessage(),
                    e);
            throw cacheFailure;
        }
    }

    /** Reads from the wire, counting and bounding what is received; -1 at the end of the message. */
    private int pull(byte[] b, int off, int len) throws IOException {
        if (wire == null) {
            return -1;
        }
        int n;
        try {
            n = wire.read(b, off, len);
        } catch (IOException e) {
            wire = null; // the client closed the session: nothing more will come
            wireFailure = e;
            throw e;
        }
        if (n < 0) {
            wire = null;
            return -1;
        }
        received += n;
        if (maxMessageSize > 0 && received > maxMessageSize) {
            wire = null; // its end may never come: the consumer drops the session instead of draining it
            oversize = new Pop3RawOversizeException(uidl, received, maxMessageSize);
            wireFailure = new IOException(oversize.getMessage(), oversize);
            throw wireFailure;
        }
        return n;
    }

    private void cacheWrite(byte[] b, int off, int len) throws IOException {
        try {
            cache.write(b, off, len);
        } catch (IOException | RuntimeException e) {
            cacheFailure = new IOException("caching message " + uidl + " failed: " + e.getMessage(), e);
            throw cacheFailure;
        }
    }

    /**
     * An exchange holding the cache completed. This body's own: nothing writes to the cache after this. The last one:
     * close the cache (which deletes its temp file).
     */
    private synchronized void release(boolean own) {
        if (own) {
            released = true;
        }
        if (--holders > 0) {
            return;
        }
        if (replay != null && !replay.inMemory()) {
            replay = null; // its file is about to go
        }
        try {
            cache.close();
        } catch (IOException e) {
            LOG.debug("pop3raw: closing the cache of message {} failed", uidl, e);
        }
    }

    /**
     * Runs first among the exchange's completions, so that the cache is released before anything else. Once per
     * exchange, however often Camel calls it.
     */
    private final class Release extends SynchronizationAdapter {
        private final boolean own;
        private boolean done;

        Release(boolean own) {
            this.own = own;
        }

        @Override
        public void onDone(Exchange exchange) {
            synchronized (StreamedMessageBody.this) {
                if (!done) {
                    done = true;
                    release(own);
                }
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST;
        }

        @Override
        public String toString() {
            return "pop3raw release of message " + uidl;
        }
    }
}
