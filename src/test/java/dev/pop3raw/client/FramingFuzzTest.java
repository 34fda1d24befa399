package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the two readers every server byte goes through: the bounded status-line reader and the
 * multi-line message data stream. In a plain {@code mvn test} they replay the seeds in
 * {@code src/test/resources/dev/pop3raw/client/FramingFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1}
 * they fuzz (see docs/reliability.adoc, "Fuzzing").
 * <p>
 * The wire is served in fuzzed chunk sizes, so that every split of a CRLF, a stuffed dot or a terminator
 * across reads is tried.
 */
class FramingFuzzTest {

    /** An input stream that hands out {@code data} in the chunk sizes given, then EOF; counts what was read. */
    static final class ChunkedInput extends InputStream {
        private final byte[] data;
        private final int[] chunks;
        private int pos;
        private int next;

        ChunkedInput(byte[] data, int[] chunks) {
            this.data = data;
            this.chunks = chunks.length == 0 ? new int[]{Integer.MAX_VALUE} : chunks;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            int chunk = Math.max(1, chunks[next++ % chunks.length]);
            int n = Math.min(Math.min(len, chunk), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        int consumed() {
            return pos;
        }
    }

    /** Chunk sizes from one byte: 0 means "as much as asked", else alternating 1 and the byte's value. */
    static int[] chunks(byte spec) {
        int v = spec & 0xFF;
        return v == 0 ? new int[0] : new int[]{1, v};
    }

    /**
     * (a) Status lines: any bytes give a line of at most the bound (never counting the line end), a
     * Pop3MalformedResponseException for a longer line, or a Pop3ConnectionClosedException at EOF; the reader
     * never reads more than the bound plus what one read delivers beyond it.
     */
    @FuzzTest(maxDuration = "10s")
    void statusLine(byte[] fuzz) throws IOException {
        if (fuzz.length < 2) {
            return;
        }
        // byte 0: the bound (1 to 2041); byte 1: the chunk sizes; the rest: the wire
        int maxLength = 1 + (fuzz[0] & 0xFF) * 8;
        int[] chunks = chunks(fuzz[1]);
        byte[] wire = Arrays.copyOfRange(fuzz, 2, fuzz.length);
        ChunkedInput in = new ChunkedInput(wire, chunks);
        Pop3Input input = new Pop3Input(in);
        int lines = 0;
        while (true) {
            int before = in.consumed() - input.buffered();
            String line;
            try {
                line = input.readLine(maxLength);
            } catch (Pop3MalformedResponseException e) {
                assertTrue(e.getMessage().contains("longer than " + maxLength), e.getMessage());
                // the line really was longer than the bound
                int end = indexOf(wire, (byte) '\n', before);
                int len = (end < 0 ? wire.length : end) - before;
                if (end > before && wire[end - 1] == '\r') {
                    len--;
                }
                assertTrue(len > maxLength, "refused a line of " + len + " octets with bound " + maxLength);
                return;
            } catch (Pop3ConnectionClosedException e) {
                assertEquals(-1, indexOf(wire, (byte) '\n', before), "EOF reported while a line end was buffered");
                return;
            }
            lines++;
            int consumedNow = in.consumed() - input.buffered();
            int end = indexOf(wire, (byte) '\n', before);
            assertEquals(end + 1, consumedNow, "a line ends exactly after its LF");
            int rawLen = end - before - (end > before && wire[end - 1] == '\r' ? 1 : 0);
            assertTrue(rawLen <= maxLength, "a line of " + rawLen + " octets passed the bound " + maxLength);
            assertFalse(line.indexOf('\n') >= 0, "a line contains LF");
            assertTrue(lines <= wire.length, "more lines than bytes");
        }
    }

    /**
     * (b) Message data: for any bytes, the stream ends at the first terminator and does not read one byte past
     * it into the buffered bytes of the next reply (the rest of the wire is still there for the next status
     * line), never returns the terminator, and fails only with Pop3ConnectionClosedException (EOF before the
     * terminator). For well-formed input (built here from fuzzed lines) the output equals a reference
     * un-stuffing written independently below. Memory is bounded: nothing but the session buffer is held.
     */
    @FuzzTest(maxDuration = "15s")
    void messageData(byte[] fuzz) throws IOException {
        if (fuzz.length < 3) {
            return;
        }
        // byte 0: odd = build a well-formed reply from the payload's lines, even = the payload is the wire;
        // byte 1: the chunk sizes; byte 2: the caller's read size (1 to 256, or 8192 for 0)
        boolean wellFormed = (fuzz[0] & 1) == 1;
        int[] chunks = chunks(fuzz[1]);
        int readSize = (fuzz[2] & 0xFF) == 0 ? 8192 : fuzz[2] & 0xFF;
        byte[] payload = Arrays.copyOfRange(fuzz, 3, fuzz.length);
        byte[] wire;
        byte[] expected = null;
        if (wellFormed) {
            // the payload's lines as a message, stuffed and terminated as RFC 1939 says, then the next reply
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            ByteArrayOutputStream stuffed = new ByteArrayOutputStream();
            List<byte[]> lines = new ArrayList<>();
            int from = 0;
            for (int i = 0; i <= payload.length; i++) {
                if (i == payload.length || payload[i] == '\n') {
                    if (i > from || i < payload.length) {
                        lines.add(withoutLineBreaks(Arrays.copyOfRange(payload, from, i)));
                    }
                    from = i + 1;
                }
            }
            for (byte[] line : lines) {
                message.writeBytes(line);
                message.writeBytes(CRLF);
                if (line.length > 0 && line[0] == '.') {
                    stuffed.write('.');
                }
                stuffed.writeBytes(line);
                stuffed.writeBytes(CRLF);
            }
            stuffed.writeBytes(".\r\n+OK next\r\n".getBytes());
            wire = stuffed.toByteArray();
            expected = message.toByteArray();
            assertArrayEquals(expected, referenceUnstuff(wire), "the reference un-stuffing disagrees with itself");
        } else {
            wire = payload;
        }
        ChunkedInput in = new ChunkedInput(wire, chunks);
        Pop3Input input = new Pop3Input(in);
        MessageDataInputStream stream = new MessageDataInputStream(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[readSize];
        try {
            int n;
            while ((n = stream.read(buf, 0, buf.length)) >= 0) {
                assertTrue(n > 0 || buf.length == 0, "read returned 0 for a non-empty buffer");
                out.write(buf, 0, n);
                assertTrue(out.size() <= wire.length, "more data out than in");
            }
        } catch (Pop3ConnectionClosedException e) {
            assertEquals(-1, terminatorEnd(wire), "EOF reported after the terminator");
            assertTrue(in.consumed() == wire.length, "EOF reported before the wire was used up");
            return;
        }
        assertTrue(stream.ended(), "-1 without the terminator");
        assertEquals(-1, stream.read(buf, 0, buf.length), "data after the end");
        assertEquals(out.size(), stream.count());
        int consumed = in.consumed() - input.buffered();
        int terminatorEnd = terminatorEnd(wire);
        assertTrue(terminatorEnd > 0, "ended although the wire has no terminator line");
        // the stream may stop after ".\r" (no LF yet) and then skip one LF at the next line read
        assertTrue(consumed == terminatorEnd || consumed == terminatorEnd - 1 && input.strayLfPending(),
                "stopped at " + consumed + ", the terminator ends at " + terminatorEnd);
        byte[] got = out.toByteArray();
        if (expected != null) {
            assertArrayEquals(expected, got);
        } else {
            assertArrayEquals(referenceUnstuff(wire), got);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static byte[] withoutLineBreaks(byte[] b) {
        byte[] r = b.clone();
        for (int i = 0; i < r.length; i++) {
            if (r[i] == '\r' || r[i] == '\n') {
                r[i] = ' ';
            }
        }
        return r;
    }

    /**
     * The reference: split into lines at LF; a line "." or ".\r" (possibly with no LF) is the terminator; a
     * line starting ".." loses its first dot; other lines pass unchanged with their line end.
     */
    static byte[] referenceUnstuff(byte[] wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < wire.length) {
            int lf = indexOf(wire, (byte) '\n', i);
            int end = lf < 0 ? wire.length : lf + 1;
            byte[] line = Arrays.copyOfRange(wire, i, end);
            if (line.length >= 2 && line[0] == '.' && (line[1] == '\n' || line[1] == '\r')) {
                return out.toByteArray();
            }
            if (line.length >= 2 && line[0] == '.' && line[1] == '.') {
                out.write(line, 1, line.length - 1);
            } else {
                out.writeBytes(line);
            }
            i = end;
        }
        return null; // no terminator
    }

    /** Where the terminator line ends (index after its LF, or after ".\r" when no LF follows), or -1. */
    private static int terminatorEnd(byte[] wire) {
        int i = 0;
        while (i < wire.length) {
            if (wire[i] == '.' && i + 1 < wire.length && (wire[i + 1] == '\n' || wire[i + 1] == '\r')) {
                if (wire[i + 1] == '\n') {
                    return i + 2;
                }
                return i + 2 < wire.length && wire[i + 2] == '\n' ? i + 3 : i + 2;
            }
            int lf = indexOf(wire, (byte) '\n', i);
            if (lf < 0) {
                return -1;
            }
            i = lf + 1;
        }
        return -1;
    }

    static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
