package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByteScanTest {

    /**
     * The word-at-a-time search agrees with a byte loop for every position and range (across both the two-word and
     * the one-word steps), for values with and without the high bit, next to bytes that differ from the value in one
     * bit.
     */
    @Test
    void agreesWithAByteLoop() {
        byte[] values = {'.', '\n', ':', 0, (byte) 0x80, (byte) 0xFF};
        for (byte value : values) {
            byte[] fillers = {0, 'a', (byte) (value ^ 0x01), (byte) (value ^ 0x80), (byte) (value - 1),
                    (byte) (value + 1), (byte) 0xFF, '\n'};
            for (byte filler : fillers) {
                if (filler == value) {
                    continue;
                }
                for (int at = -1; at < 48; at++) {
                    byte[] b = new byte[48];
                    java.util.Arrays.fill(b, filler);
                    if (at >= 0) {
                        b[at] = value;
                    }
                    for (int from = 0; from < 48; from++) {
                        for (int to = from; to <= 48; to++) {
                            int expected = at >= from && at < to ? at : -1;
                            assertEquals(expected, ByteScan.indexOf(b, value, from, to),
                                    "value " + value + " filler " + filler + " at " + at + " [" + from + "," + to
                                            + ")");
                        }
                    }
                }
            }
        }
    }

    /** With the value present many times, the first one in range is found. */
    @Test
    void findsTheFirstOfMany() {
        byte[] b = "abc.def.ghi.jkl.mno.pqr.stu.vwx.yz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(3, ByteScan.indexOf(b, (byte) '.', 0, b.length));
        assertEquals(7, ByteScan.indexOf(b, (byte) '.', 4, b.length));
        assertEquals(-1, ByteScan.indexOf(b, (byte) '.', 32, b.length));
    }
}
