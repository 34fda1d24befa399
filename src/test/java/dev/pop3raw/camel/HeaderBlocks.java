package dev.pop3raw.camel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Test helpers for {@link HeaderDecoder}: the production path for a stream, and an independent reference reader. */
final class HeaderBlocks {

    private HeaderBlocks() {
    }

    /** The wanted fields of a message's header block, collected as the consumer collects them while copying. */
    static Map<String, String> read(InputStream in, Set<String> wanted) throws IOException {
        HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
        byte[] buffer = new byte[8192];
        int n;
        while (!collector.complete() && (n = in.read(buffer)) > 0) {
            collector.feed(buffer, 0, n);
        }
        return collector.fields(new HeaderDecoder.Fields(wanted));
    }

    /**
     * The header block read a byte at a time: everything before the LF that ends the first empty line, at most
     * {@link HeaderDecoder#MAX_HEADER_BYTES}. The reference the collector is held against.
     */
    static byte[] readHeaderBlock(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int previous = -1;
        int beforePrevious = -1;
        int b;
        while (out.size() < HeaderDecoder.MAX_HEADER_BYTES && (b = in.read()) != -1) {
            if (b == '\n' && (previous == '\n' || previous == '\r' && beforePrevious == '\n')) {
                break;
            }
            out.write(b);
            beforePrevious = previous;
            previous = b;
        }
        return out.toByteArray();
    }

    /**
     * The octets a collector holds. Production reads them only through {@link HeaderDecoder.Collector#fields}, which
     * trims values, so a cut one octet off would not show there: the test looks at the octets themselves.
     */
    static byte[] collected(HeaderDecoder.Collector collector) {
        try {
            Field bytes = HeaderDecoder.Collector.class.getDeclaredField("bytes");
            Field size = HeaderDecoder.Collector.class.getDeclaredField("size");
            bytes.setAccessible(true);
            size.setAccessible(true);
            return Arrays.copyOf((byte[]) bytes.get(collector), size.getInt(collector));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("HeaderDecoder.Collector no longer keeps its block in bytes[0, size)", e);
        }
    }
}
