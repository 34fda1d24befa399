package dev.pop3raw.cluster;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import dev.pop3raw.camel.Pop3RawConstants;

/**
 * The consumer of {@link CrashRecoveryTest}, run in a JVM of its own and SIGKILLed at random moments: one
 * {@code pop3raw:} route in delete mode with Camel's {@link FileIdempotentRepository}, every other option at its
 * default (plain POP3 to the loopback Dovecot, which has no trusted certificate).
 * <p>
 * The route's work is one line {@code UIDL} appended to the deliveries file and forced to disk, between two sleeps of
 * {@code workMs/2}: the test compares that file with the maildrop. Arguments {@code key=value}: {@code node},
 * {@code pop3Port}, {@code user}, {@code password}, {@code repository} (file), {@code deliveries} (file),
 * {@code workMs}, {@code extra} (more endpoint options; none by default). Prints {@code STARTED} once the context runs, and runs until killed.
 */
public final class CrashNode {

    private CrashNode() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        long workMs = Long.parseLong(a.getOrDefault("workMs", "0"));
        FileChannel deliveries = FileChannel.open(Path.of(a.get("deliveries")), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);

        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("seenMail",
                FileIdempotentRepository.fileIdempotentRepository(new File(a.get("repository"))));
        String uri = "pop3raw:127.0.0.1:" + a.get("pop3Port") + "?username=" + a.get("user") + "&password=RAW("
                + a.get("password") + ")&tls=none&delete=true&idempotentRepository=#seenMail"
                + (a.getOrDefault("extra", "").isEmpty() ? "" : "&" + a.get("extra"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("crash-" + a.get("node")).process(exchange -> {
                    String uidl = exchange.getMessage().getHeader(Pop3RawConstants.UIDL, String.class);
                    Thread.sleep(workMs / 2);
                    // one write of one line (O_APPEND), on disk before the exchange can succeed
                    deliveries.write(ByteBuffer.wrap((uidl + "\n").getBytes(StandardCharsets.US_ASCII)));
                    deliveries.force(false);
                    Thread.sleep(workMs - workMs / 2);
                });
            }
        });
        context.start();
        System.out.println("STARTED " + a.get("node"));
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}
