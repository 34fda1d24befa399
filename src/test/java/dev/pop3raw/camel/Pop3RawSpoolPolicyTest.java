package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static dev.pop3raw.camel.Pop3RawCamelTestSupport.filesIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.StreamCachingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pop3raw.testing.ScriptedMailbox;

/**
 * Safe by default: in a context nobody configured (Camel caches streams in memory and spools nothing), a message longer
 * than spoolThreshold (1 MiB) is spooled by the consumer to a directory of its own, and a shorter one stays in the
 * heap. Settings the user made win: the context's spooling rules and directory, a threshold set on the context or the
 * endpoint, an encrypted spool (Camel's own cache).
 */
class Pop3RawSpoolPolicyTest {

    private static final int BIG = 2 * 1024 * 1024 + 1000;
    private static final int MIDDLE = 500 * 1024;

    private ScriptedMailbox server;
    private CamelContext camel;
    /** By UIDL: what the route saw. */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    @TempDir
    Path temp;

    record Seen(String bodyType, byte[] firstRead, byte[] secondRead, long octetsInOwnDirectory, String ownDirectory) {
    }

    @BeforeEach
    void mailbox() throws Exception {
        server = ScriptedMailbox.start();
        server.add("big", message("big", BIG));
        server.add("middle", message("middle", MIDDLE));
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        server.close();
    }

    @Test
    void inAContextNobodyConfiguredAMessageAboveOneMibIsSpooledToTheComponentsOwnDirectory() throws Exception {
        route(strategy -> {
        }, "");
        Seen big = seen.get("big");
        assertEquals("SpooledMessageBody", big.bodyType());
        assertTrue(big.octetsInOwnDirectory() >= BIG, "in a spool file of the component's directory while routed");
        Path own = Path.of(big.ownDirectory());
        assertTrue(own.getFileName().toString().startsWith("camel-pop3raw-"), own.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
        assertEquals("SpooledMessageBody", seen.get("big").bodyType());
        assertEquals("InputStreamCache", seen.get("middle").bodyType(), "below 1 MiB: in the heap");
        assertReadTwiceExactly();
        camel.stop();
        assertFalse(Files.exists(own), "removed when the component stops");
    }

    @Test
    void spoolFilesAreReadableByTheJvmsUserOnly() throws Exception {
        Map<String, String> permissions = new ConcurrentHashMap<>();
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop").process(e -> {
                    Path own = ((Pop3RawComponent) e.getContext().getComponent("pop3raw")).ownSpoolDirectoryIfCreated();
                    if (own != null) {
                        try (var files = Files.list(own)) {
                            files.forEach(f -> {
                                try {
                                    permissions.put(f.getFileName().toString(),
                                            PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                                } catch (IOException ignored) {
                                    // deleted meanwhile
                                }
                            });
                        }
                    }
                    seen.put(e.getExchangeId(), new Seen("", null, null, 0, ""));
                });
            }
        });
        camel.start();
        await(() -> seen.size() == 2, "both messages routed");
        assertFalse(permissions.isEmpty(), "a spool file was seen");
        assertEquals(List.of("rw-------"), List.copyOf(new HashSet<>(permissions.values())));
    }

    @Test
    void withStreamCachingDisabledALargeMessageIsStillNotHeldInTheHeap() throws Exception {
        route(strategy -> strategy.setEnabled(false), "");
        assertEquals("SpooledMessageBody", seen.get("big").bodyType());
        assertEquals("InputStreamCache", seen.get("middle").bodyType());
        assertReadTwiceExactly();
    }

    @Test
    void theEndpointsSpoolThresholdIsRespected() throws Exception {
        route(strategy -> {
        }, "spoolThreshold=100000");
        assertEquals("SpooledMessageBody", seen.get("middle").bodyType());
        assertReadTwiceExactly();
    }

    @Test
    void zeroKeepsEveryMessageInTheHeapAsAskedFor() throws Exception {
        route(strategy -> {
        }, "spoolThreshold=0");
        assertEquals("InputStreamCache", seen.get("big").bodyType());
        assertReadTwiceExactly();
    }

    @Test
    void aSpoolThresholdChangedOnTheContextIsUsedAlthoughTheContextDoesNotSpool() throws Exception {
        route(strategy -> strategy.setSpoolThreshold(200_000), "");
        assertEquals("SpooledMessageBody", seen.get("middle").bodyType());
    }

    @Test
    void theEndpointsSpoolThresholdWinsOverTheContextsChangedOne() throws Exception {
        route(strategy -> strategy.setSpoolThreshold(200_000), "spoolThreshold=4000000");
        assertEquals("InputStreamCache", seen.get("middle").bodyType());
        assertEquals("InputStreamCache", seen.get("big").bodyType());
    }

    @Test
    void whenTheContextSpoolsItsRulesAndDirectoryDecide() throws Exception {
        Path dir = temp.resolve("context-spool");
        List<Long> filesInContextDirectory = new CopyOnWriteArrayList<>();
        camel = new DefaultCamelContext();
        Pop3RawCamelTestSupport.spoolingAbove16KiB(camel, dir);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop").process(e -> {
                    filesInContextDirectory.add(filesIn(dir));
                    record(e.getExchangeId(), e.getIn().getBody(StreamCache.class), e.getContext());
                });
            }
        });
        camel.start();
        await(() -> seen.size() == 2, "both messages routed");
        assertEquals("SpooledMessageBody", seen.get("middle").bodyType(), "the context's 16 KiB threshold");
        assertTrue(filesInContextDirectory.stream().allMatch(n -> n >= 1), filesInContextDirectory.toString());
        assertEquals(null, ((Pop3RawComponent) camel.getComponent("pop3raw")).ownSpoolDirectoryIfCreated());
        assertReadTwiceExactly();
    }

    @Test
    void anEncryptedSpoolIsCamelsOwnCache() throws Exception {
        route(strategy -> {
            strategy.setSpoolEnabled(true);
            strategy.setSpoolCipher("AES/CTR/NoPadding");
            strategy.setSpoolDirectory(temp.resolve("encrypted").toFile());
        }, "");
        assertEquals("FileInputStreamCache", seen.get("big").bodyType());
        assertReadTwiceExactly();
    }

    @Test
    void anEncryptedSpoolWithoutSpoolingInTheContextDoesNotStart() throws Exception {
        camel = new DefaultCamelContext();
        camel.getStreamCachingStrategy().setSpoolCipher("AES/CTR/NoPadding");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop").to("mock:never");
            }
        });
        Exception e = assertThrows(Exception.class, camel::start);
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("cipher"), root.getMessage());
    }

    @Test
    void aStreamedMessageKeepsNoMoreThanTheThresholdInTheHeap() throws Exception {
        route(strategy -> {
        }, "streamDownload=true");
        assertEquals("StreamedMessageBody", seen.get("big").bodyType());
        assertTrue(seen.get("big").octetsInOwnDirectory() >= BIG, "the streamed message went on into a spool file");
        assertReadTwiceExactly();
    }

    // ---------------------------------------------------------------- helpers

    /** Starts a context set up by {@code setup}, with a route that records and reads each body twice; waits for both. */
    private void route(Consumer<StreamCachingStrategy> setup, String options) throws Exception {
        camel = new DefaultCamelContext();
        setup.accept(camel.getStreamCachingStrategy());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(options)).routeId("pop").process(e -> record(e.getExchangeId(), e.getIn().getBody(),
                        e.getContext()));
            }
        });
        camel.start();
        await(() -> seen.size() == 2, "both messages routed");
    }

    private void record(String uidl, Object body, CamelContext context) throws Exception {
        StreamCache cache = (StreamCache) body;
        byte[] first = ((InputStream) cache).readAllBytes();
        cache.reset();
        byte[] second = ((InputStream) cache).readAllBytes();
        Path own = ((Pop3RawComponent) context.getComponent("pop3raw")).ownSpoolDirectoryIfCreated();
        seen.put(uidl, new Seen(body.getClass().getSimpleName(), first, second, octetsIn(own), String.valueOf(own)));
    }

    /** The octets of the files in {@code directory} now; 0 when there is none. */
    private static long octetsIn(Path directory) throws IOException {
        if (directory == null) {
            return 0;
        }
        try (var files = Files.list(directory)) {
            long total = 0;
            for (Path f : (Iterable<Path>) files::iterator) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private void assertReadTwiceExactly() {
        for (String uidl : List.of("big", "middle")) {
            Seen s = seen.get(uidl);
            assertNotNull(s, uidl);
            byte[] expected = message(uidl, uidl.equals("big") ? BIG : MIDDLE).getBytes(
                    StandardCharsets.US_ASCII);
            assertArrayEquals(expected, s.firstRead(), uidl);
            assertArrayEquals(expected, s.secondRead(), uidl + " read again");
        }
    }

    private String uri(String options) {
        return Pop3RawCamelTestSupport.uri(server.port(), "delete=true" + (options.isEmpty() ? "" : "&" + options));
    }

    /** About {@code size} octets: headers and numbered lines, none starting with a dot. */
    private static String message(String subject, int size) {
        StringBuilder b = new StringBuilder("Subject: " + subject + "\r\n\r\n");
        for (int i = 0; b.length() < size; i++) {
            b.append("line ").append(i).append(" of the message ").append(subject).append("\r\n");
        }
        return b.toString();
    }
}
