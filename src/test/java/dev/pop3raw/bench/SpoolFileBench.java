package dev.pop3raw.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;

import dev.pop3raw.camel.MessageSpoolAccess;

/**
 * A benchmark program, not a unit test: the cost of spooling, side by side in one JVM, of Camel's {@link
 * CachedOutputStream} (a new temporary file per message, deleted when its exchange completes) and of the poll's
 * {@code MessageSpool} (files written over message after message, deleted when the poll ends). A pass spools
 * {@code spoolbench.messages} messages of {@code spoolbench.mib} MiB each in 64 KiB writes, reads each back whole in
 * 64 KiB reads and completes its exchange, as the consumer and a route that reads the body do; the two alternate
 * which runs first. It reaches the package-private spool through {@link MessageSpoolAccess}.
 * <p>
 * {@code mvn -q -B test-compile exec:java@spoolbench [-Dspoolbench.mib=50 -Dspoolbench.messages=3
 * -Dspoolbench.passes=9 -Dspoolbench.dir=/tmp]}
 */
public final class SpoolFileBench {

    private static final int CHUNK = 64 * 1024;

    private SpoolFileBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Integer.getInteger("spoolbench.mib", 50);
        int messages = Integer.getInteger("spoolbench.messages", 3);
        int passes = Integer.getInteger("spoolbench.passes", 9);
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("spoolbench.dir",
                System.getProperty("java.io.tmpdir"))), "pop3raw-spoolbench-");
        CamelContext camel = new DefaultCamelContext();
        camel.getStreamCachingStrategy().setSpoolEnabled(true);
        camel.getStreamCachingStrategy().setSpoolDirectory(dir.toFile());
        camel.start();
        try {
            long size = (long) mib << 20;
            byte[] data = new byte[CHUNK];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('A' + i % 61);
            }
            long[] perFile = new long[passes];
            long[] reused = new long[passes];
            for (int p = 0; p < passes; p++) {
                if (p % 2 == 0) {
                    perFile[p] = cachedOutputStream(camel, messages, size, data);
                    reused[p] = messageSpool(camel, dir, messages, size, data);
                } else {
                    reused[p] = messageSpool(camel, dir, messages, size, data);
                    perFile[p] = cachedOutputStream(camel, messages, size, data);
                }
                System.out.printf(Locale.ROOT, "pass %d: CachedOutputStream %.1f ms, MessageSpool %.1f ms%n", p + 1,
                        perFile[p] / 1e6, reused[p] / 1e6);
            }
            double a = median(perFile) / 1e6;
            double b = median(reused) / 1e6;
            System.out.printf(Locale.ROOT, "%d x %d MiB written, read back and released, median of %d passes (%s):%n"
                    + "  CachedOutputStream (a file per message): %.1f ms%n"
                    + "  MessageSpool (files reused):             %.1f ms (%.2fx)%n",
                    messages, mib, passes, dir, a, b, a / b);
        } finally {
            try (var left = Files.list(dir)) {
                List<Path> files = left.toList();
                if (!files.isEmpty()) {
                    System.out.println("left behind (a bug): " + files);
                }
            }
            camel.stop(); // removes the spool directory
        }
    }

    private static long cachedOutputStream(CamelContext camel, int messages, long size, byte[] data)
            throws IOException {
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            Exchange exchange = new DefaultExchange(camel);
            StreamCache cache;
            try (CachedOutputStream out = new CachedOutputStream(exchange)) {
                for (long at = 0; at < size; at += CHUNK) {
                    out.write(data, 0, CHUNK);
                }
                cache = out.newStreamCache();
            }
            readWhole((InputStream) cache, size);
            complete(exchange);
        }
        return System.nanoTime() - start;
    }

    private static long messageSpool(CamelContext camel, Path dir, int messages, long size, byte[] data)
            throws IOException {
        long start = System.nanoTime();
        try (MessageSpoolAccess spool = MessageSpoolAccess.open()) {
            for (int m = 0; m < messages; m++) {
                Exchange exchange = new DefaultExchange(camel);
                MessageSpoolAccess.Message lease = spool.lease(exchange, dir.toFile());
                for (long at = 0; at < size; at += CHUNK) {
                    lease.append(data, 0, CHUNK);
                }
                readWhole(lease.body(), size);
                complete(exchange);
            }
        }
        return System.nanoTime() - start;
    }

    private static void readWhole(InputStream in, long size) throws IOException {
        byte[] sink = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(sink)) >= 0) {
            total += n;
        }
        in.close();
        if (total != size) {
            throw new IllegalStateException("read " + total + " octets of " + size);
        }
    }

    /** Runs the exchange's completions, as Camel does when the exchange is done (the cache deletes its file). */
    private static void complete(Exchange exchange) {
        List<Synchronization> completions = exchange.getExchangeExtension().handoverCompletions();
        if (completions != null) {
            completions.forEach(s -> s.onComplete(exchange));
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
