package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The byte-level framing of multi-line message data, specified by what comes out for what goes in. */
class MessageDataInputStreamTest {

    private static String unstuff(String wire) throws IOException {
        return unstuff(wire + "+OK\r\n", 8192).data;
    }

    private record Result(String data, String rest) {
    }

    /** Reads one message off {@code wire} in chunks of {@code chunk} bytes; returns it and what is left. */
    private static Result unstuff(String wire, int chunk) throws IOException {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
        MessageDataInputStream data = new MessageDataInputStream(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = data.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        String rest = input.readLine(1000);
        return new Result(out.toString(StandardCharsets.ISO_8859_1), rest);
    }

    @Test
    void plainLinesPassThroughAndTheTerminatorIsConsumed() throws IOException {
        Result r = unstuff("Subject: hi\r\n\r\nbody\r\n.\r\n+OK next\r\n", 8192);
        assertEquals("Subject: hi\r\n\r\nbody\r\n", r.data);
        assertEquals("+OK next", r.rest);
    }

    @Test
    void aStuffedDotLineLosesOneDot() throws IOException {
        assertEquals(".\r\n..\r\n.x\r\n", unstuff("..\r\n...\r\n..x\r\n.\r\n"));
    }

    @Test
    void anUnstuffedLeadingDotIsKeptAsSent() throws IOException {
        assertEquals(".x\r\n", unstuff(".x\r\n.\r\n"));
    }

    @Test
    void anEmptyMessageIsJustTheTerminator() throws IOException {
        assertEquals("", unstuff(".\r\n"));
    }

    @Test
    void bareLineFeedsAreAcceptedAndKept() throws IOException {
        Result r = unstuff("a\nb\n..c\n.\n+OK\n", 8192);
        assertEquals("a\nb\n.c\n", r.data);
        assertEquals("+OK", r.rest);
    }

    @Test
    void aTerminatorOfDotCarriageReturnWithoutLineFeedEndsTheData() throws IOException {
        Result r = unstuff("a\r\n.\r+OK after\r\n", 8192);
        assertEquals("a\r\n", r.data);
        assertEquals("+OK after", r.rest);
    }

    @Test
    void aStrayLineFeedAfterDotCarriageReturnArrivingLaterIsDropped() throws IOException {
        // ".\r" is the last byte buffered; the LF arrives with the next reply
        Pop3Input input = new Pop3Input(new InputStream() {
            private final byte[][] parts = {"a\r\n.\r".getBytes(StandardCharsets.US_ASCII),
                    "\n+OK later\r\n".getBytes(StandardCharsets.US_ASCII)};
            private int part;
            private int pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (part == parts.length) {
                    return -1;
                }
                int n = Math.min(len, parts[part].length - pos);
                System.arraycopy(parts[part], pos, b, off, n);
                pos += n;
                if (pos == parts[part].length) {
                    part++;
                    pos = 0;
                }
                return n;
            }
        });
        MessageDataInputStream data = new MessageDataInputStream(input);
        assertEquals("a\r\n", new String(data.readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals("+OK later", input.readLine(1000));
    }

    @Test
    void aLastLineWithoutLineEndBeforeTheTerminatorIsDeliveredWithTheServersCrlf() throws IOException {
        assertEquals("no newline at end\r\n", unstuff("no newline at end\r\n.\r\n"));
    }

    @Test
    void linesLongerThanTheBufferAreNotCut() throws IOException {
        String longLine = "x".repeat(300_000) + "\r\n";
        assertEquals(longLine + ".y\r\n", unstuff(longLine + "..y\r\n.\r\n"));
    }

    @Test
    void everyChunkSizeGivesTheSameBytes() throws IOException {
        String wire = "..a\r\nb\n...\r\n\r\n..\r\nlast\r\n.\r\n+OK\r\n";
        String expected = ".a\r\nb\n..\r\n\r\n.\r\nlast\r\n";
        for (int chunk = 1; chunk < 12; chunk++) {
            assertEquals(expected, unstuff(wire, chunk).data, "chunk size " + chunk);
        }
    }

    @Test
    void aConnectionLostInTheMiddleOfDataIsAnErrorNotAShortMessage() {
        Pop3ConnectionClosedException e = assertThrows(Pop3ConnectionClosedException.class,
                () -> unstuff("partial message\r\nwithout termin"));
        assertTrue(e.getMessage().contains("middle of message data"), e.getMessage());
    }

    @Test
    void closingEarlyDrainsTheRestSoTheSessionStaysInStep() throws IOException {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(
                "line1\r\nline2\r\n..\r\n.\r\n+OK next\r\n".getBytes(StandardCharsets.US_ASCII)));
        MessageDataInputStream data = new MessageDataInputStream(input);
        assertEquals('l', data.read());
        data.close();
        assertEquals("+OK next", input.readLine(1000));
    }

    @Test
    void statusLinesHaveAHardBoundAndFailFast() {
        // 10 MB without a line end: refused after the bound, not after reading it all
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                return 'A';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'A');
                served += len;
                if (served > 10_000_000) {
                    throw new AssertionError("read far past the bound");
                }
                return len;
            }
        };
        Pop3Input input = new Pop3Input(endless);
        Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class,
                () -> input.readLine(8192));
        assertTrue(e.getMessage().contains("8192"), e.getMessage());
    }

    /** Runs of many lines with dots and terminators at every offset of the buffer and the reads. */
    @Test
    void longRunsOfLinesWithDotsAtEveryAlignment() throws IOException {
        StringBuilder wire = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            String line = "x".repeat(i % 13) + (i % 7 == 0 ? "" : "y");
            if (i % 5 == 0) {
                wire.append("..").append(line).append("\r\n");
                expected.append('.').append(line).append("\r\n");
            } else if (i % 11 == 0) {
                wire.append(line).append("\n"); // bare LF
                expected.append(line).append("\n");
            } else {
                wire.append(line).append("\r\n");
                expected.append(line).append("\r\n");
            }
        }
        wire.append(".\r\n+OK\r\n");
        for (int chunk : new int[]{1, 2, 3, 7, 8, 9, 64, 1000, 100_000}) {
            Result r = unstuff(wire.toString(), chunk);
            assertEquals(expected.toString(), r.data, "chunk " + chunk);
            assertEquals("+OK", r.rest);
        }
    }
}
