package dev.pop3raw.camel;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;

/**
 * A child JVM for {@link Pop3RawHugeMessageTest}: one route, with Camel's defaults (no stream caching options at all),
 * in a plain {@link DefaultCamelContext} ({@code context}) or under camel-main ({@code main}), that consumes the one
 * message of the POP3 server on {@code port} (with more endpoint {@code options}, if given), reads its body to the end while digesting it, and prints
 * {@code RESULT octets=... sha256=... body=... contextSpools=... peakHeapMiB=... peakRssMiB=... seconds=...}, or {@code FAILED ...}
 * when the message has not been read after {@code timeoutSeconds}.
 */
public final class HugeMessageNode {

    private HugeMessageNode() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        long timeoutSeconds = Long.parseLong(args[2]);
        String options = args.length > 3 && !args[3].isEmpty() ? "&" + args[3] : "";
        CompletableFuture<String> result = new CompletableFuture<>();
        long start = System.nanoTime();
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:127.0.0.1:" + port + "?username=huge&password=pw&tls=none&delete=true&initialDelay=0"
                        + "&delay=500" + options).routeId("huge").process(e -> {
                            Object body = e.getIn().getBody();
                            MessageDigest digest = SyntheticPop3Server.sha256();
                            long octets = 0;
                            byte[] buffer = new byte[64 * 1024];
                            InputStream in = e.getIn().getBody(InputStream.class);
                            int n;
                            while ((n = in.read(buffer)) >= 0) {
                                digest.update(buffer, 0, n);
                                octets += n;
                            }
                            result.complete("octets=" + octets + " sha256=" + HexFormat.of().formatHex(digest.digest())
                                    + " body=" + body.getClass().getSimpleName() + " contextSpools="
                                    + e.getContext().getStreamCachingStrategy().isSpoolEnabled());
                        });
            }
        };
        String outcome;
        if (mode.equals("context")) {
            CamelContext camel = new DefaultCamelContext();
            camel.addRoutes(route);
            camel.start();
            outcome = await(result, timeoutSeconds);
            camel.stop();
        } else {
            Main main = new Main();
            main.configure().addRoutesBuilder(route);
            Thread runner = new Thread(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            }, "camel-main");
            runner.start();
            outcome = await(result, timeoutSeconds);
            main.completed();
            runner.join(30_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s peakHeapMiB=%d peakRssMiB=%d seconds=%.1f%n", outcome, peakHeap() >> 20, peakRss() >> 20,
                seconds);
        System.out.flush();
        System.exit(outcome.startsWith("RESULT") ? 0 : 1);
    }

    private static String await(CompletableFuture<String> result, long timeoutSeconds) {
        try {
            return "RESULT " + result.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "FAILED " + e;
        }
    }

    /** The sum of the heap pools' peaks: an upper bound of the heap ever used at once. */
    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** VmHWM: the most resident memory the process had; 0 where /proc is not there. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }
}
