package dev.pop3raw.client;

import java.io.IOException;
import java.io.InputStream;

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
    private final Runnable onEnd;
    private final java.util.function.UnaryOperator<IOException> onFailure;
    private boolean atLineStart = true;
    private boolean ended;
    private long count;

    MessageDataInputStream(Pop3Input input, Runnable onEnd) {
        this(input, onEnd, e -> e);
    }

    /**
     * @param onFailure maps a failure to read (EOF, timeout, network error) to the exception to throw; the
     *                  session uses it to close itself, since it is out of step after such a failure
     */
    MessageDataInputStream(Pop3Input input, Runnable onEnd, java.util.function.UnaryOperator<IOException> onFailure) {
        this.input = input;
        this.onEnd = onEnd;
        this.onFailure = onFailure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
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
            if (input.pos == input.lim) {
                if (copied > 0) {
                    break; // hand over what we have rather than block for more
                }
                fill(1);
            }
            if (atLineStart && input.buf[input.pos] == '.') {
                if (atTerminatorOrStuffing()) {
                    continue;
                }
            }
            // copy up to and including the next LF, within what is buffered and wanted
            int start = input.pos;
            int max = Math.min(input.lim, start + (len - copied));
            int i = start;
            while (i < max && input.buf[i] != '\n') {
                i++;
            }
            if (i < max) {
                i++; // include the LF
                atLineStart = true;
            } else {
                atLineStart = false;
            }
            int n = i - start;
            System.arraycopy(input.buf, start, b, off + copied, n);
            input.pos = i;
            copied += n;
        }
        count += copied;
        return copied == 0 && ended ? -1 : copied;
    }

    /**
     * At a line start with a dot: decides between terminator (ends the stream), stuffing (drops the dot) and
     * an unstuffed dot line (keeps it). Returns true when the caller should loop again.
     */
    private boolean atTerminatorOrStuffing() throws IOException {
        fill(2);
        byte next = input.buf[input.pos + 1];
        if (next == '\n') {
            input.pos += 2;
            end();
            return true;
        }
        if (next == '\r') {
            input.pos += 2;
            // CRLF normally follows; a server that sends ".\r" alone must not make us wait for an LF
            if (input.pos < input.lim) {
                if (input.buf[input.pos] == '\n') {
                    input.pos++;
                }
            } else {
                input.skipStrayLf = true;
            }
            end();
            return true;
        }
        if (next == '.') {
            input.pos++; // the stuffing dot
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

    private void end() {
        ended = true;
        onEnd.run();
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
        return ended ? 0 : Math.max(0, input.lim - input.pos - 3);
    }

    @Override
    public void close() throws IOException {
        byte[] sink = new byte[8192];
        while (!ended) {
            if (read(sink, 0, sink.length) < 0) {
                break;
            }
        }
    }
}
