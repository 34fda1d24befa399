package dev.pop3raw.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds a byte in an array eight bytes at a time. Every octet of every message goes through such a search (for the
 * dots that start lines, in {@link MessageDataInputStream}), and a JVM running the client compiler only, as a small
 * consumer host may, runs a plain byte loop at about a third of this speed.
 */
final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan() {
    }

    /**
     * The index of the first {@code value} in {@code b[from, to)}, or -1. A word is XORed with the value repeated,
     * and the lowest byte that became zero is found with the borrow trick, which has no false positive below the
     * first zero byte in little-endian order. Two words per step while nothing is found: under the client compiler
     * the halved loop overhead is most of the cost.
     */
    static int indexOf(byte[] b, byte value, int from, int to) {
        long pattern = (value & 0xFFL) * ONES;
        int i = from;
        for (; i + 16 <= to; i += 16) {
            long w = (long) LONGS.get(b, i) ^ pattern;
            long v = (long) LONGS.get(b, i + 8) ^ pattern;
            if ((((w - ONES) & ~w | (v - ONES) & ~v) & HIGHS) != 0) {
                break; // the word-at-a-time loop below finds it
            }
        }
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i) ^ pattern;
            long t = (w - ONES) & ~w & HIGHS;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
