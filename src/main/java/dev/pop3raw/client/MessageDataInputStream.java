package dev.pop3raw.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;

/**
 * The data of one multi-line reply (RETR, TOP), as the message was before the server byte-stuffed it:
 * the leading dot of a stuffed line is removed, and the stream ends exactly at the terminating line, which
 * it consumes and does not return.
 * <p>
 * Tolerant of the ways servers get it wrong: bare LF line ends are kept as they came; a line that starts
 * with one dot followed by other text (an unstuffed dot) is passed on unchanged; a terminator of {@code .\r}
 * without LF ends the data. Lines may be of any length; nothing but the session buffer is held.
 * <p>
 * {@link #close()} reads and discards whatever is left of the reply so the session stays in step.
 */
final class MessageDataInputStream extends InputStream {

    private final Pop3Input input;
    private final UnaryOperator<IOException> onFailure;
    private boolean atLineStart = true;
    private boolean ended;
    private long count;
    /** The buffer of {@link #read()} (a byte-at-a-time reader must not allocate per byte). */
    private final byte[] single = new byte[1];

    MessageDataInputStream(Pop3Input input) {
        this(input, e -> e);
    }

    /**
     * @param onFailure maps a failure to read (EOF, timeout, network error) to the exception to throw; the
     *                  session uses it to close itself, since it is out of step after such a failure
     */
    MessageDataInputStream(Pop3Input input, UnaryOperator<IOException> onFailure) {
        this.input = input;
        this.onFailure = onFailure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = single;
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        try {
            return readData(b, off, len);
        } catch (IOException e) {
            ended = true; // no more data will come from this reply
            throw onFailure.apply(e);
        }
    }

    private int readData(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int copied = 0;
        while (copied < len && !ended) {
            if (input.buffered() == 0) {
                if (copied > 0) {
                    break; // hand over what we have rather than block for more
                }
                fill(1);
            }
            byte[] buf = input.buffer();
            if (atLineStart && buf[input.position()] == '.') {
                if (atTerminatorOrStuffing(buf)) {
                    continue;
                }
            }
            // copy, within what is buffered and wanted, everything up to the next dot that starts a line: only such
            // a dot needs handling (stuffing or the terminator), so the scan looks for dots, not line ends. Base64
            // lines hold no dot at all, and a dot inside a line costs one look at the byte before it. The byte at
            // start is data even when it is a dot (a line-start dot was dealt with above).
            int start = input.position();
            int max = Math.min(input.limit(), start + (len - copied));
            int i = max;
            for (int from = start + 1; from < max;) {
                int dot = ByteScan.indexOf(buf, (byte) '.', from, max);
                if (dot < 0) {
                    break;
                }
                if (buf[dot - 1] == '\n') {
                    i = dot;
                    break;
                }
                from = dot + 1;
            }
            atLineStart = i < max || buf[i - 1] == '\n';
            int n = i - start;
            System.arraycopy(buf, start, b, off + copied, n);
            input.skip(n);
            copied += n;
        }
        count += copied;
        return copied == 0 && ended ? -1 : copied;
    }

    /**
     * At a line start with a dot: decides between terminator (ends the stream), stuffing (drops the dot) and
     * an unstuffed dot line (keeps it). Returns true when the caller should loop again.
     */
    private boolean atTerminatorOrStuffing(byte[] buf) throws IOException {
        fill(2);
        byte next = buf[input.position() + 1];
        if (next == '\n') {
            input.skip(2);
            ended = true;
            return true;
        }
        if (next == '\r') {
            input.skip(2);
            ended = true;
            input.terminatedByCr();
            return true;
        }
        if (next == '.') {
            input.skip(1); // the stuffing dot
        }
        atLineStart = false;
        return false;
    }

    private void fill(int n) throws IOException {
        if (!input.ensure(n)) {
            ended = true;
            throw new Pop3ConnectionClosedException(
                    "connection closed by the server in the middle of message data, after " + count + " octets");
        }
    }

    /** Whether the terminating line has been read. */
    boolean ended() {
        return ended;
    }

    /** Octets returned so far. */
    long count() {
        return count;
    }

    @Override
    public int available() {
        return ended ? 0 : Math.max(0, input.buffered() - 3);
    }

    @Override
    public void close() throws IOException {
        if (ended) {
            return;
        }
        byte[] sink = new byte[8192];
        while (!ended) {
            if (read(sink, 0, sink.length) < 0) {
                break;
            }
        }
    }
}
