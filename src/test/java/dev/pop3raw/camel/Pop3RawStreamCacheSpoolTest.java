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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With spooling enabled, a large message is cached in a temporary file and can be read more than once. */
class Pop3RawStreamCacheSpoolTest extends Pop3RawTestSupport {

    private final Path spool = Path.of("target/spool-test");

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        camel.getStreamCachingStrategy().setSpoolEnabled(true);
        camel.getStreamCachingStrategy().setSpoolThreshold(16 * 1024);
        camel.getStreamCachingStrategy().setSpoolDirectory(spool.toFile());
        return camel;
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
}
