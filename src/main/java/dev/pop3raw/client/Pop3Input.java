package dev.pop3raw.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The server-to-client byte stream of one session, with its own buffer so that status lines, listing lines
 * and message data are all cut from the same bytes without copying twice. This class is the only one that moves
 * through the buffer or fills it; the stray LF after a {@code .\r} terminator is dealt with here alone.
 * <p>
 * Status and listing lines are bounded ({@link #readLine}); message data is not bounded per line (real
 * HTML mail has lines of megabytes) and is read through {@link MessageDataInputStream}, which scans
 * {@link #buffer()} between {@link #position()} and {@link #limit()} and moves on with {@link #skip(int)}.
 */
final class Pop3Input {

    private static final int BUFFER_SIZE = 64 * 1024;

    private InputStream in;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int lim;
    /** Set when a message ended with a bare {@code .\r}: a stray LF may still arrive and belongs to nothing. */
    private boolean strayLfPending;
    /**
     * The longest time one line may take to arrive in full, in nanoseconds. The socket's read timeout bounds
     * each read; this bounds a server that trickles a line a byte at a time, each within the read timeout.
     */
    private final long maxLineNanos;

    Pop3Input(InputStream in) {
        this(in, Long.MAX_VALUE);
    }

    Pop3Input(InputStream in, long maxLineNanos) {
        this.in = in;
        this.maxLineNanos = maxLineNanos;
    }

    /** Switches to a new underlying stream (after STLS); returns how many buffered bytes were thrown away. */
    int replaceStream(InputStream newIn) {
        int discarded = lim - pos;
        pos = 0;
        lim = 0;
        strayLfPending = false;
        this.in = newIn;
        return discarded;
    }

    /** Bytes already received but not yet consumed. */
    int buffered() {
        return lim - pos;
    }

    /** The buffer; the bytes not yet consumed are those from {@link #position()} to {@link #limit()}. */
    byte[] buffer() {
        return buf;
    }

    int position() {
        return pos;
    }

    int limit() {
        return lim;
    }

    /** Consumes {@code n} buffered bytes (at most {@link #buffered()}). */
    void skip(int n) {
        pos += n;
    }

    /**
     * A message ended with {@code .\r}. CRLF normally follows; a server that sends {@code .\r} alone must not make the
     * reader wait for an LF, so the LF is taken now if it is buffered, and otherwise skipped when it arrives first.
     */
    void terminatedByCr() throws IOException {
        strayLfPending = true;
        dropStrayLf(false);
    }

    /**
     * The stray-LF rule: the byte after a {@code .\r} terminator is dropped when it is an LF. With {@code wait}, the
     * byte is waited for (a line is due anyway); without, the rule stays pending until a byte is buffered.
     */
    private void dropStrayLf(boolean wait) throws IOException {
        if (!strayLfPending || !wait && pos == lim) {
            return;
        }
        strayLfPending = false;
        if ((pos < lim || ensure(1)) && buf[pos] == '\n') {
            pos++;
        }
    }

    /** Whether a {@code .\r} terminator may still be followed by an LF that belongs to nothing. */
    boolean strayLfPending() {
        return strayLfPending;
    }

    /**
     * What the server sent that no command asked for (bytes already buffered, the stray LF of a {@code .\r} terminator
     * aside), as text of at most 80 octets; null when nothing is waiting.
     */
    String unsolicited() throws IOException {
        dropStrayLf(false);
        if (pos == lim) {
            return null;
        }
        return new String(buf, pos, Math.min(lim - pos, 80), StandardCharsets.UTF_8).strip();
    }

    /**
     * Makes at least {@code n} (at most the buffer size) bytes available; returns false at end of stream
     * before that many arrived.
     */
    boolean ensure(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < n) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                return false;
            }
            lim += r;
        }
        return true;
    }

    /**
     * Reads one line, without its CRLF or bare LF, decoded as UTF-8 (malformed bytes become U+FFFD).
     *
     * @param  maxLength                      the most octets the line may have
     * @throws Pop3MalformedResponseException when the line is longer; the rest of it is not read
     * @throws Pop3ConnectionClosedException  at end of stream
     * @throws SocketTimeoutException         when the line takes longer than {@link #maxLineNanos} to arrive
     */
    String readLine(int maxLength) throws IOException {
        long start = System.nanoTime();
        dropStrayLf(true);
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i;
                    if (end > pos && buf[end - 1] == '\r') {
                        end--;
                    }
                    if (end - pos > maxLength) {
                        throw tooLong(maxLength);
                    }
                    String line = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
                    pos = i + 1;
                    return line;
                }
            }
            scanned = lim - pos;
            if (scanned > maxLength + 1) {
                throw tooLong(maxLength);
            }
            if (scanned >= buf.length) {
                // a bound larger than the buffer: the buffer is full without a line end and could never take more
                throw tooLong(buf.length - 2);
            }
            if (scanned > 0 && System.nanoTime() - start > maxLineNanos) {
                throw new SocketTimeoutException("a line still incomplete after " + maxLineNanos / 1_000_000
                        + " ms (" + scanned + " octets so far)");
            }
            if (!ensure(scanned + 1)) {
                throw new Pop3ConnectionClosedException(scanned == 0
                        ? "connection closed by the server"
                        : "connection closed by the server in the middle of a line");
            }
        }
    }

    private static Pop3MalformedResponseException tooLong(int maxLength) {
        return new Pop3MalformedResponseException("server line longer than " + maxLength + " octets");
    }
}
