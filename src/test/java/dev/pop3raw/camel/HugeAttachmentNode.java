package dev.pop3raw.camel;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A child JVM for {@link Pop3RawHugeAttachmentTest}: a route with Camel's defaults that consumes the one message of
 * the POP3 server on {@code port} ({@code streamDownload=true}: parsed while it arrives), splits it into its
 * attachments with {@link Pop3RawAttachments}, reads each part to its end while digesting it, and prints
 * {@code RESULT name=... octets=... sha256=... body=... peakHeapMiB=... peakRssMiB=... seconds=...} for huge.pdf, or
 * {@code FAILED ...}.
 */
public final class HugeAttachmentNode {

    private HugeAttachmentNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long timeoutSeconds = Long.parseLong(args[1]);
        CompletableFuture<String> result = new CompletableFuture<>();
        long start = System.nanoTime();
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:127.0.0.1:" + port + "?username=huge&password=pw&tls=none&delete=true&initialDelay=0"
                        + "&delay=500&streamDownload=true").routeId("huge-attachment")
                        .split(method(Pop3RawAttachments.class, "attachments")).streaming().process(e -> {
                            MessageDigest digest = SyntheticPop3Server.sha256();
                            long octets = 0;
                            byte[] buffer = new byte[64 * 1024];
                            InputStream in = e.getIn().getBody(InputStream.class);
                            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                                digest.update(buffer, 0, n);
                                octets += n;
                            }
                            result.complete("name=" + e.getIn().getHeader(Pop3RawAttachmentConstants.FILE_NAME)
                                    + " octets=" + octets + " sha256=" + HexFormat.of().formatHex(digest.digest())
                                    + " body=" + e.getIn().getBody().getClass().getSimpleName());
                        });
            }
        });
        camel.start();
        String outcome;
        try {
            outcome = "RESULT " + result.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            outcome = "FAILED " + e;
        }
        camel.stop();
        System.out.printf("%s peakHeapMiB=%d peakRssMiB=%d seconds=%.1f%n", outcome, HugeMessageNode.peakHeap() >> 20,
                HugeMessageNode.peakRss() >> 20, (System.nanoTime() - start) / 1e9);
        System.out.flush();
        System.exit(outcome.startsWith("RESULT") ? 0 : 1);
    }
}
