package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Spooled messages of one poll share the poll's spool files: each file is written over by a later message once the
 * exchanges of its message have completed, and none outlives the poll. A body kept beyond its exchange cannot be read
 * (it would be another message's bytes by then); a copy taken for another exchange keeps its file until that exchange
 * completes.
 */
class Pop3RawSpoolReuseTest extends Pop3RawTestSupport {

    private final Path spool = Path.of("target/spool-reuse-test");

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return spoolingAbove16KiB(super.createCamelContext(), spool);
    }

    @Test
    void theMessagesOfAPollShareTwoSpoolFilesByteExactAndLeaveNoneBehind() throws Exception {
        List<byte[]> expected = deliverSpooling(6);
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        Set<String> files = ConcurrentHashMap.newKeySet();
        List<Long> filesWhileRouted = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).process(e -> {
                    StreamCache body = e.getIn().getBody(StreamCache.class);
                    files.add(body.toString());
                    filesWhileRouted.add(filesIn(spool));
                    reads.add(((InputStream) body).readAllBytes());
                    body.reset();
                    assertArrayEquals(reads.get(reads.size() - 1), ((InputStream) body).readAllBytes());
                });
            }
        });
        await(() -> reads.size() == 6, "six messages routed");
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(expected.get(i), reads.get(i), "message " + (i + 1));
        }
        assertTrue(filesWhileRouted.stream().allMatch(n -> n <= 2), filesWhileRouted.toString());
        assertEquals(2, files.stream().map(f -> f.substring(0, f.indexOf(','))).distinct().count(), files.toString());
        await(() -> filesIn(spool) == 0, "no spool file outlives the poll");
    }

    @Test
    void aBodyKeptBeyondItsExchangeCannotBeReadLater() throws Exception {
        deliverSpooling(3);
        List<InputStream> kept = new ArrayList<>();
        List<String> laterReads = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).process(e -> {
                    InputStream body = e.getIn().getBody(InputStream.class);
                    if (kept.isEmpty()) {
                        kept.add(body); // wrongly kept past its exchange
                    } else {
                        try {
                            kept.get(0).read(new byte[100]);
                            laterReads.add("read another message's bytes");
                        } catch (IOException ex) {
                            laterReads.add(ex.getMessage());
                        }
                    }
                    body.readAllBytes();
                });
            }
        });
        await(() -> laterReads.size() == 2, "messages 2 and 3 routed");
        assertTrue(laterReads.stream().allMatch(m -> m.contains("can no longer be read")), laterReads.toString());
    }

    /** The wire tap of the first message reads it after the poll's other messages went through the spool. */
    @Test
    void aWireTapThatReadsAfterLaterMessagesStillReadsItsOwn() throws Exception {
        List<byte[]> expected = deliverSpooling(4);
        CountDownLatch othersDone = new CountDownLatch(3);
        Map<String, byte[]> tapped = new ConcurrentHashMap<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true&exceptionHandler=#errors")).routeId("pop")
                        .process(e -> {
                            reads.add(e.getIn().getBody(InputStream.class).readAllBytes());
                            if (e.getIn().getHeader(Pop3RawConstants.MESSAGE_NUMBER, Integer.class) != 1) {
                                othersDone.countDown();
                            }
                        })
                        .filter(header(Pop3RawConstants.MESSAGE_NUMBER).isEqualTo(1)).wireTap("direct:tap");
                from("direct:tap").process(e -> {
                    assertTrue(othersDone.await(20, TimeUnit.SECONDS), "the other messages were routed first");
                    tapped.put("tap", e.getIn().getBody(InputStream.class).readAllBytes());
                });
            }
        });
        await(() -> tapped.containsKey("tap"), "the tap read its copy");
        assertArrayEquals(expected.get(0), tapped.get("tap"));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expected.get(i), reads.get(i), "message " + (i + 1));
        }
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        await(() -> filesIn(spool) == 0, "the tap's file goes once the tap completed");
    }

    /** An encrypted spool (spoolCipher) is Camel's own: its file cache encrypts, this spool would not. */
    @Test
    void anEncryptedSpoolStaysWithCamelsFileCache() throws Exception {
        context.getStreamCachingStrategy().setSpoolCipher("AES/CTR/NoPadding");
        List<byte[]> expected = deliverSpooling(2);
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).process(e -> {
                    types.add(e.getIn().getBody().getClass().getSimpleName());
                    reads.add(e.getIn().getBody(InputStream.class).readAllBytes());
                });
            }
        });
        await(() -> reads.size() == 2, "both routed");
        assertEquals(List.of("FileInputStreamCache", "FileInputStreamCache"), types);
        assertArrayEquals(expected.get(0), reads.get(0));
        assertArrayEquals(expected.get(1), reads.get(1));
    }

    /**
     * A spool directory that cannot be created (a plain file stands in its path) fails each poll with an error naming
     * the path; nothing is routed or deleted, no spool file or message is lost, and once the directory can be created
     * the next poll takes every message.
     */
    @Test
    void aSpoolDirectoryThatCannotBeCreatedFailsThePollNamingItAndLosesNothing() throws Exception {
        Path blocker = Path.of("target/spool-blocked-by-a-file").toAbsolutePath();
        java.nio.file.Files.deleteIfExists(blocker);
        java.nio.file.Files.writeString(blocker, "not a directory");
        context.getStreamCachingStrategy().setSpoolDirectory(blocker.resolve("spool").toFile());
        deliverSpooling(2);
        List<String> routed = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).routeId("pop").process(e -> {
                    routed.add(e.getIn().getHeader(Pop3RawConstants.SUBJECT, String.class));
                    e.getIn().getBody(InputStream.class).readAllBytes();
                });
            }
        });
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        await(() -> endpoint.getPollFailures() >= 2, "two polls fail");
        assertTrue(endpoint.getLastError().contains("spool directory " + blocker.resolve("spool")),
                endpoint.getLastError());
        assertEquals(List.of(), routed);
        assertEquals(2, listing().size(), "nothing deleted");
        java.nio.file.Files.delete(blocker);
        await(() -> routed.size() == 2, "both routed once the directory can be created");
        assertEquals(List.of("spooled 1", "spooled 2"), routed);
        await(() -> filesIn(blocker.resolve("spool")) == 0, "and no spool file is left");
    }

    /** Messages of 20-120 KB, above the 16 KiB threshold, of decreasing size (a file holds a longer one's tail). */
    private List<byte[]> deliverSpooling(int count) throws IOException {
        for (int m = 0; m < count; m++) {
            StringBuilder body = new StringBuilder();
            while (body.length() < (120 - m * 100 / count) * 1024) {
                body.append("message ").append(m + 1).append(": .a line, some with a leading dot, padded out\r\n");
                body.append("..and a stuffed one\r\n");
            }
            deliver(mail("spooled " + (m + 1), body.toString()));
        }
        List<byte[]> expected = new ArrayList<>();
        for (int m = 1; m <= count; m++) {
            expected.add(retrieveRaw(m));
        }
        return expected;
    }
}
