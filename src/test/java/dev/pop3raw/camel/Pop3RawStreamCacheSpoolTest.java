package dev.pop3raw.camel;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With spooling enabled, a large message is cached in a temporary file and can be read more than once. */
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
                    try (var files = Files.list(spool.toAbsolutePath())) {
                        spooledFile.add(files.findAny().isPresent());
                    }
                    reads.add(((InputStream) cache).readAllBytes());
                    cache.reset();
                    reads.add(((InputStream) cache).readAllBytes());
                }).to("mock:out");
            }
        });
        mock.assertIsSatisfied(15_000);
        assertTrue(cacheTypes.get(0).contains("File"), cacheTypes.toString());
        assertTrue(spooledFile.get(0), "a spool file exists while the exchange runs");
        assertArrayEquals(expected, reads.get(0));
        assertArrayEquals(expected, reads.get(1));
        await(() -> {
            try (var files = Files.list(spool.toAbsolutePath())) {
                return files.findAny().isEmpty();
            } catch (Exception e) {
                return true;
            }
        }, "the spool file is deleted when the exchange completes");
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
        assertTrue(cacheTypes.get(0).contains("File"), cacheTypes.toString());
        assertTrue(cacheTypes.get(1).endsWith(".InputStreamCache"), cacheTypes.toString());
        assertEquals(List.of("middle", "small"), subjects);
        for (int m = 0; m < 2; m++) {
            assertArrayEquals(expected.get(m), reads.get(2 * m));
            assertArrayEquals(expected.get(m), reads.get(2 * m + 1));
            assertEquals(expected.get(m).length, sizes.get(m));
        }
        await(() -> {
            try (var files = Files.list(spool.toAbsolutePath())) {
                return files.findAny().isEmpty();
            } catch (Exception e) {
                return true;
            }
        }, "the spool file is deleted when the exchange completes");
    }
}
