package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.FailingMemoryRepository;

/** With spooling enabled, a large message is cached in a spool file and can be read more than once. */
class Pop3RawStreamCacheSpoolTest extends Pop3RawTestSupport {

    private final Path spool = Path.of("target/spool-test");

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return spoolingAbove16KiB(super.createCamelContext(), spool);
    }

    @Test
    void largeMessageSpillsToDiskAndIsReReadable() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            body.append("line ").append(i).append(" of a large message, padded to be long enough\r\n");
        }
        deliver(mail("large", body.toString()));
        byte[] expected = retrieveRaw(listing().get(0).number());
        List<String> cacheTypes = new CopyOnWriteArrayList<>();
        List<Boolean> spooledFile = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).process(e -> {
                    StreamCache cache = e.getIn().getBody(StreamCache.class);
                    cacheTypes.add(cache.getClass().getName());
                    spooledFile.add(filesIn(spool) > 0);
                    reads.add(((InputStream) cache).readAllBytes());
                    cache.reset();
                    reads.add(((InputStream) cache).readAllBytes());
                }).to("mock:out");
            }
        });
        mock.assertIsSatisfied(15_000);
        assertTrue(cacheTypes.get(0).endsWith(".SpooledMessageBody"), cacheTypes.toString());
        assertTrue(spooledFile.get(0), "a spool file exists while the exchange runs");
        assertArrayEquals(expected, reads.get(0));
        assertArrayEquals(expected, reads.get(1));
        await(() -> filesIn(spool) == 0, "the spool file is deleted when the poll ends");
    }

    /**
     * Below the copy buffer the strategy still decides: a 30 KB message (threshold 16 KB) is spooled; a 2 KB one
     * is cached in memory as an exact-size byte array; both are re-readable and byte-exact, with their headers.
     */
    @Test
    void messagesWithinTheCopyBufferFollowTheSpoolThreshold() throws Exception {
        StringBuilder mid = new StringBuilder();
        while (mid.length() < 30 * 1024) {
            mid.append(".a dot-leading line of a middle-sized message\r\n");
        }
        deliver(mail("middle", mid.toString()));
        deliver(mail("small", "a small body\r\n.\r\n..two dots\r\n"));
        List<byte[]> expected = List.of(retrieveRaw(listing().get(0).number()), retrieveRaw(listing().get(1).number()));
        List<String> cacheTypes = new CopyOnWriteArrayList<>();
        List<String> subjects = new CopyOnWriteArrayList<>();
        List<Long> sizes = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).process(e -> {
                    StreamCache cache = e.getIn().getBody(StreamCache.class);
                    cacheTypes.add(cache.getClass().getName());
                    subjects.add(e.getIn().getHeader(Pop3RawConstants.SUBJECT, String.class));
                    sizes.add(e.getIn().getHeader(Pop3RawConstants.SIZE, Long.class));
                    reads.add(((InputStream) cache).readAllBytes());
                    cache.reset();
                    reads.add(((InputStream) cache).readAllBytes());
                }).to("mock:out");
            }
        });
        mock.assertIsSatisfied(15_000);
        assertTrue(cacheTypes.get(0).endsWith(".SpooledMessageBody"), cacheTypes.toString());
        assertTrue(cacheTypes.get(1).endsWith(".InputStreamCache"), cacheTypes.toString());
        assertEquals(List.of("middle", "small"), subjects);
        for (int m = 0; m < 2; m++) {
            assertArrayEquals(expected.get(m), reads.get(2 * m));
            assertArrayEquals(expected.get(m), reads.get(2 * m + 1));
            assertEquals(expected.get(m).length, sizes.get(m));
        }
        await(() -> filesIn(spool) == 0, "the spool file is deleted when the poll ends");
    }
    /**
     * The idempotent repository fails while the first message is claimed, after the second one was received into its
     * spool file: the poll fails, the second message is never routed, and its spool file goes at once (a repository
     * that is down for hours must not fill the disk poll by poll). Once the repository is back, both are routed once.
     */
    @Test
    void aRepositoryFailureLeavesNoSpoolFileBehindAndTheNextPollTakesEverything() throws Exception {
        StringBuilder body = new StringBuilder();
        while (body.length() < 100 * 1024) {
            body.append("a line of a message that spools, long enough to spool twice over\r\n");
        }
        deliver(mail("first", body.toString()));
        deliver(mail("second", body.toString()));
        FailingMemoryRepository repo = new FailingMemoryRepository();
        repo.addFailure = () -> new IllegalStateException("repository down");
        List<String> routed = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("repo", repo);
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // claims=lease: the lease is taken before routing, and that is where the repository fails
                from(uri("idempotentRepository=#repo&claims=lease&exceptionHandler=#errors")).routeId("pop")
                        .process(e -> {
                            routed.add(e.getIn().getHeader(Pop3RawConstants.SUBJECT, String.class));
                            ((InputStream) e.getIn().getBody(StreamCache.class)).readAllBytes();
                        });
            }
        });
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        await(() -> endpoint.getPollFailures() >= 3, "three polls fail");
        assertTrue(endpoint.getLastError().contains("repository down"), endpoint.getLastError());
        context.getRouteController().stopRoute("pop");
        assertEquals(0, filesIn(spool), "no spool file outlives a failed poll");
        assertEquals(List.of(), routed);
        repo.addFailure = null;
        context.getRouteController().startRoute("pop");
        await(() -> routed.size() == 2, "both routed once the repository is back");
        assertEquals(List.of("first", "second"), routed);
    }
}
