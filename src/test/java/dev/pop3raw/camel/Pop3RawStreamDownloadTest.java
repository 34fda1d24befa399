package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.ScriptedLogin;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * {@code streamDownload=true}: a message longer than the first 64 KiB is routed while it still arrives. The route reads
 * it whole and byte-exact (dot-stuffing removed), can read it again (redelivery), on another thread too; whatever the
 * route leaves unread is drained so that the session stays in step; a failure in the middle of the message fails the
 * exchange and deletes nothing; maxMessageSize still bounds what is really received; no spool file outlives its
 * exchange.
 */
class Pop3RawStreamDownloadTest extends ScriptedMailboxTestSupport {

    private final Path spool = Path.of("target/stream-download-spool").toAbsolutePath();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return spoolingAbove16KiB(super.createCamelContext(), spool);
    }

    /** A message of about {@code kib} KiB whose every seventh line starts with a dot (stuffed on the wire). */
    static String large(String subject, int kib) {
        StringBuilder b = new StringBuilder("Subject: " + subject + "\r\nFrom: x@example.com\r\n\r\n");
        for (int i = 0; b.length() < kib * 1024; i++) {
            b.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" of ").append(subject)
                    .append(", a message routed while it arrives\r\n");
        }
        return b.toString();
    }

    static String small(String subject) {
        return "Subject: " + subject + "\r\nFrom: x@example.com\r\n\r\n.a small one\r\n";
    }

    static byte[] bytes(String raw) {
        return raw.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] readAll(Exchange e) throws IOException {
        return e.getIn().getBody(InputStream.class).readAllBytes();
    }

    static byte[] readSome(Exchange e, int n) throws IOException {
        return e.getIn().getBody(InputStream.class).readNBytes(n);
    }

    private String stubUri(String options) {
        return uri(stub.port(), "exceptionHandler=#errors&streamDownload=true&" + options);
    }

    /** For a ScriptedPop3Server: one poll only (the script plays one session). */
    private static String scriptedUri(int port, String options) {
        return "pop3raw:127.0.0.1:" + port + "?username=" + USER + "&password=RAW(" + PASSWORD + ")&authMechanism=USER"
                + "&tls=none&initialDelay=0&delay=60000&readTimeout=5000&" + options;
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    private boolean spoolHasFiles() {
        try (var files = Files.list(spool)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false; // not created yet
        }
    }

    private void awaitSpoolEmpty() throws InterruptedException {
        await(() -> !spoolHasFiles(), "no spool file left behind in " + spool);
    }

    @Test
    void aLargeMessageIsReadWholeWhileItArrivesAndDeletedOnlyAfterSuccess() throws Exception {
        String raw = large("big", 400);
        stub.add("u1", raw);
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<Object> bodyTypes = new CopyOnWriteArrayList<>();
        List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();
        List<Boolean> spooledWhileRouting = new CopyOnWriteArrayList<>();
        List<Boolean> deletedWhileRouting = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop").process(e -> {
                    bodyTypes.add(e.getIn().getBody().getClass().getSimpleName());
                    headers.add(Map.copyOf(e.getIn().getHeaders()));
                    reads.add(readAll(e));
                    spooledWhileRouting.add(spoolHasFiles());
                    deletedWhileRouting.add(stub.allCommands().stream().anyMatch(c -> c.startsWith("DELE")));
                    headers.add(Map.of("index", e.getProperty(ExchangePropertyKey.BATCH_INDEX),
                            "size", e.getProperty(ExchangePropertyKey.BATCH_SIZE),
                            "complete", e.getProperty(ExchangePropertyKey.BATCH_COMPLETE)));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "deleted after the route succeeded");
        assertEquals(1, reads.size());
        assertArrayEquals(bytes(raw), reads.get(0), "whole and byte-exact, dot-stuffing removed");
        assertEquals("StreamedMessageBody", bodyTypes.get(0));
        assertNull(headers.get(0).get(Pop3RawConstants.SIZE), "the size is not known when a streamed exchange starts");
        assertEquals((long) raw.length(), ((Number) headers.get(0).get(Pop3RawConstants.LISTED_SIZE)).longValue());
        assertEquals("big", headers.get(0).get(Pop3RawConstants.SUBJECT));
        assertEquals("u1", headers.get(0).get(Pop3RawConstants.UIDL));
        assertEquals(Map.of("index", 0, "size", 1, "complete", true), headers.get(1));
        assertEquals(List.of(true), spooledWhileRouting, "the cache spooled to the spool directory");
        assertEquals(List.of(false), deletedWhileRouting);
        await(() -> endpoint().getBytesConsumed() == raw.length(), "the octets really received are counted");
        assertEquals(1, endpoint().getMessagesConsumed());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        awaitSpoolEmpty();
    }

    @Test
    void withoutStreamDownloadTheSameMessageIsCachedWholeAndHasItsSize() throws Exception {
        String raw = large("cached", 400);
        stub.add("u1", raw);
        List<Object> sizes = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<String> bodyTypes = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&delete=true")).routeId("pop").process(e -> {
                    bodyTypes.add(e.getIn().getBody().getClass().getSimpleName());
                    sizes.add(e.getIn().getHeader(Pop3RawConstants.SIZE));
                    reads.add(readAll(e));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "deleted");
        assertEquals(List.of((long) raw.length()), sizes);
        assertFalse(bodyTypes.contains("StreamedMessageBody"), bodyTypes.toString());
        assertArrayEquals(bytes(raw), reads.get(0));
        awaitSpoolEmpty();
    }

    @Test
    void aRouteThatDoesNotReadTheBodyLeavesTheSessionInStep() throws Exception {
        String first = large("unread", 300);
        String second = small("small");
        String third = large("third", 200);
        stub.add("unread", first);
        stub.add("small", second);
        stub.add("third", third);
        Map<String, byte[]> reads = new ConcurrentHashMap<>();
        List<String> batch = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop").process(e -> {
                    batch.add(e.getExchangeId() + " " + e.getProperty(ExchangePropertyKey.BATCH_INDEX) + "/"
                            + e.getProperty(ExchangePropertyKey.BATCH_SIZE) + " "
                            + e.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
                    if (!e.getExchangeId().equals("unread")) {
                        reads.put(e.getExchangeId(), readAll(e));
                    }
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "all three deleted");
        assertArrayEquals(bytes(second), reads.get("small"));
        assertArrayEquals(bytes(third), reads.get("third"));
        // the held small message goes first (not complete), then the streamed one carries the end of the batch
        assertEquals(List.of("unread 0/3 false", "small 1/3 false", "third 2/3 true"), batch);
        assertEquals(1, stub.sessions.get(0).stream().filter("QUIT"::equals).count(), stub.sessions.get(0).toString());
        await(() -> endpoint().getBytesConsumed() == first.length() + second.length() + third.length(),
                "the drained octets of the unread message count too");
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        awaitSpoolEmpty();
    }

    @Test
    void aRouteThatFailsAfterReadingPartDeletesNothingAndTheMessageIsOfferedAgain() throws Exception {
        String raw = large("flaky", 300);
        stub.add("u1", raw);
        AtomicInteger attempts = new AtomicInteger();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<Boolean> deletedBeforeSecondAttempt = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop").process(e -> {
                    if (attempts.incrementAndGet() == 1) {
                        readSome(e, 100_000);
                        throw new IllegalStateException("the route fails half way");
                    }
                    deletedBeforeSecondAttempt.add(stub.allCommands().stream().anyMatch(c -> c.startsWith("DELE")));
                    reads.add(readAll(e));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "processed at a later poll, then deleted");
        assertEquals(2, attempts.get());
        assertEquals(List.of(false), deletedBeforeSecondAttempt, "nothing deleted after the failure");
        assertArrayEquals(bytes(raw), reads.get(0));
        assertEquals(2, stub.allCommands().stream().filter("RETR 1"::equals).count());
        assertEquals(1, stub.sessions.get(0).stream().filter("QUIT"::equals).count(), "the first session ended well");
        assertTrue(errors.messages.stream().anyMatch(m -> m.contains("u1") && m.contains("not deleted")),
                errors.messages.toString());
        awaitSpoolEmpty();
    }

    @Test
    void redeliveryAndASecondReadSeeTheWholeMessage() throws Exception {
        String raw = large("again", 300);
        stub.add("u1", raw);
        AtomicInteger attempts = new AtomicInteger();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<String> strings = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0));
                from(stubUri("delete=true")).routeId("pop")
                        .process(e -> {
                            int attempt = attempts.incrementAndGet();
                            if (attempt == 1) {
                                readSome(e, 1000); // a part, then a failure
                                throw new IOException("first attempt");
                            }
                            reads.add(readAll(e));
                            if (attempt == 2) {
                                throw new IOException("second attempt, after reading it all");
                            }
                        })
                        .process(e -> {
                            e.getIn().getBody(StreamedMessageBody.class).reset();
                            strings.add(e.getIn().getBody(String.class));
                        })
                        .convertBodyTo(String.class)
                        .process(e -> strings.add(e.getIn().getBody(String.class)));
            }
        });
        await(() -> stub.uidls().isEmpty(), "deleted after the third attempt succeeded");
        assertEquals(3, attempts.get(), "one poll, two redeliveries");
        assertEquals(2, reads.size());
        assertArrayEquals(bytes(raw), reads.get(0), "the second attempt reads it whole");
        assertArrayEquals(bytes(raw), reads.get(1), "the third attempt too");
        assertEquals(List.of(raw, raw), strings);
        assertEquals(1, stub.allCommands().stream().filter("RETR 1"::equals).count());
        awaitSpoolEmpty();
    }

    /** A parallel multicast gives each branch a copy (StreamCache.copy): each reads the whole message. */
    @Test
    void aParallelMulticastAfterAPartialReadGivesEveryBranchTheWholeMessage() throws Exception {
        String raw = large("fan out", 300);
        stub.add("u1", raw);
        Map<String, byte[]> reads = new ConcurrentHashMap<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop")
                        .process(e -> readSome(e, 5000))
                        .multicast().parallelProcessing().to("direct:a", "direct:b").end();
                from("direct:a").process(e -> reads.put("a", readAll(e)));
                from("direct:b").process(e -> reads.put("b", readAll(e)));
            }
        });
        await(() -> stub.uidls().isEmpty(), "deleted");
        assertArrayEquals(bytes(raw), reads.get("a"));
        assertArrayEquals(bytes(raw), reads.get("b"));
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        awaitSpoolEmpty();
    }

    /** A wire tap's copy outlives the exchange it was taken from: it still reads the whole message. */
    @Test
    void aWireTapThatReadsAfterTheExchangeCompletedGetsTheWholeMessage() throws Exception {
        String raw = large("tapped", 300);
        stub.add("u1", raw);
        Map<String, byte[]> reads = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch tappedDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean completedBeforeRead = new java.util.concurrent.atomic.AtomicBoolean();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop")
                        .process(e -> {
                            e.getExchangeExtension()
                                    .addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                                        @Override
                                        public void onDone(org.apache.camel.Exchange exchange) {
                                            tappedDone.countDown();
                                        }
                                    });
                            readSome(e, 5000);
                        })
                        .wireTap("direct:tap");
                from("direct:tap").process(e -> {
                    // the tapped exchange completes first (an event, not a pause)
                    completedBeforeRead.set(tappedDone.await(20, java.util.concurrent.TimeUnit.SECONDS));
                    reads.put("tap", readAll(e));
                });
            }
        });
        await(() -> reads.containsKey("tap"), "the tap read it");
        assertTrue(completedBeforeRead.get(), "the tapped exchange completed before the tap read its copy");
        assertArrayEquals(bytes(raw), reads.get("tap"));
        await(() -> stub.uidls().isEmpty(), "deleted");
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        awaitSpoolEmpty();
    }

    @Test
    void anAsynchronousRouteReadsTheWholeMessageOnAnotherThread() throws Exception {
        String slow = large("slow reader", 300);
        String fast = large("fast reader", 250);
        stub.add("slow", slow);
        stub.add("fast", fast);
        Map<String, byte[]> reads = new ConcurrentHashMap<>();
        Map<String, String> threads = new ConcurrentHashMap<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop")
                        .process(e -> threads.put("consumer", Thread.currentThread().getName()))
                        .to("seda:read?waitForTaskToComplete=Never");
                from("seda:read").process(e -> {
                    String uidl = e.getIn().getHeader(Pop3RawConstants.UIDL, String.class); // a copy: another id
                    threads.put(uidl, Thread.currentThread().getName());
                    if (uidl.equals("slow")) {
                        // read only once the consumer has drained it into the cache and ended its session (an event
                        // at the server: QUIT), not after a pause
                        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                        while (!stub.allCommands().contains("QUIT") && System.nanoTime() < end) {
                            Thread.sleep(5);
                        }
                        threads.put("session ended before the slow read",
                                String.valueOf(stub.allCommands().contains("QUIT")));
                    }
                    reads.put(uidl, readAll(e));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "both deleted");
        assertEquals("true", threads.get("session ended before the slow read"),
                "the slow copy was read after the session");
        assertArrayEquals(bytes(slow), reads.get("slow"));
        assertArrayEquals(bytes(fast), reads.get("fast"));
        assertFalse(threads.get("slow").equals(threads.get("consumer")), threads.toString());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        await(() -> endpoint().getBytesConsumed() == slow.length() + fast.length(), "octets counted");
        awaitSpoolEmpty();
    }

    @Test
    void theRouteReadsTheMessageBeforeTheServerHasSentAllOfIt() throws Exception {
        String raw = large("overlap", 400);
        byte[] all = bytes(raw);
        // about half of it first, cut at a line end (dot-stuffing is applied line by line)
        int cut = raw.lastIndexOf("\r\n", 200 * 1024) + 2;
        String part1 = raw.substring(0, cut);
        String part2 = raw.substring(cut);
        List<Long> gapMillis = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> loggedIn(s)
                .expect("UIDL", "LIST").send("+OK\r\n1 slow\r\n.\r\n+OK\r\n1 " + all.length + "\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + stuffed(part1))
                .pause(Duration.ofSeconds(3))
                .send(stuffed(part2) + ".\r\n")
                .expect("DELE 1").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n"))) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(scriptedUri(server.port(), "streamDownload=true&delete=true"))
                            .routeId("pop").process(e -> {
                                InputStream in = e.getIn().getBody(InputStream.class);
                                byte[] head = in.readNBytes(100 * 1024);
                                long t1 = System.nanoTime();
                                byte[] tail = in.readAllBytes();
                                gapMillis.add((System.nanoTime() - t1) / 1_000_000);
                                byte[] whole = new byte[head.length + tail.length];
                                System.arraycopy(head, 0, whole, 0, head.length);
                                System.arraycopy(tail, 0, whole, head.length, tail.length);
                                reads.add(whole);
                            });
                }
            });
            assertTrue(server.awaitClientClosed(Duration.ofSeconds(30)), "session ended");
            await(() -> reads.size() == 1, "routed");
            assertArrayEquals(all, reads.get(0));
            assertTrue(gapMillis.get(0) >= 1500, "the route had the first 100 KiB while the server still paused: "
                    + gapMillis);
        }
        awaitSpoolEmpty();
    }

    /** Dot-stuffs every line of {@code text} (which ends with CRLF). */
    private static String stuffed(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("(?<=\r\n)")) {
            b.append(line.startsWith(".") ? "." : "").append(line);
        }
        return b.toString();
    }

    @Test
    void aConnectionCutInTheMiddleFailsTheExchangeDeletesNothingAndTheNextPollProcessesIt() throws Exception {
        String raw = large("cut", 400);
        stub.add("u1", raw);
        List<Throwable> routeFailures = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", stub.port())
                .planner(i -> i == 0 ? FaultyProxy.Plan.cutServerToClient(200_000) : FaultyProxy.Plan.PASS)) {
            context.getRegistry().bind("errors", errors);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(proxy.port(), "exceptionHandler=#errors&streamDownload=true&delete=true")).routeId("pop")
                            .process(e -> {
                                try {
                                    reads.add(readAll(e));
                                } catch (IOException failure) {
                                    routeFailures.add(failure);
                                    throw failure;
                                }
                            });
                }
            });
            await(() -> stub.uidls().isEmpty(), "processed and deleted by a later session");
            assertEquals(1, routeFailures.size(), "the route saw the cut as an IOException");
            assertEquals(1, reads.size());
            assertArrayEquals(bytes(raw), reads.get(0));
            assertEquals(1, proxy.cutCount());
            assertFalse(stub.sessions.get(0).stream().anyMatch(c -> c.startsWith("DELE") || c.equals("QUIT")),
                    stub.sessions.get(0).toString());
            assertTrue(endpoint().getPollFailures() >= 1, "the broken session failed its poll");
            assertEquals(1, endpoint().getMessagesFailed());
            assertTrue(errors.messages.stream().anyMatch(m -> m.contains("u1") && m.contains("not deleted")),
                    errors.messages.toString());
        }
        awaitSpoolEmpty();
    }

    @Test
    void moreDataThanMaxMessageSizeFailsTheReadAndDropsTheSession() throws Exception {
        assertEndlessMessageDropped(true);
    }

    @Test
    void moreDataThanMaxMessageSizeIsFoundByTheDrainWhenTheRouteDoesNotRead() throws Exception {
        assertEndlessMessageDropped(false);
    }

    /**
     * The session that meets the endless message is dropped (no DELE, no QUIT); the same poll opens a fresh session in
     * which the message, remembered, is not asked for again (oversizeAction=skip), and which ends with QUIT.
     */
    private void assertEndlessMessageDropped(boolean routeReads) throws Exception {
        List<Throwable> routeFailures = new CopyOnWriteArrayList<>();
        AtomicInteger routed = new AtomicInteger();
        String listing = "+OK\r\n1 endless\r\n.\r\n+OK\r\n1 30\r\n.\r\n";
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(s -> loggedIn(s)
                        .expect("UIDL", "LIST").send(listing)
                        .expect("RETR 1").send("+OK\r\nSubject: never ends\r\n\r\n")
                        .sendForever("all work and no play makes a server a liar\r\n"))
                .session(s -> loggedIn(s)
                        .expect("UIDL", "LIST").send(listing)
                        .expect("QUIT").send("+OK\r\n")
                        .expectClose())
                .start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(scriptedUri(server.port(), "streamDownload=true&delete=true&maxMessageSize=200000"))
                            .routeId("pop").process(e -> {
                                routed.incrementAndGet();
                                if (routeReads) {
                                    try {
                                        readAll(e);
                                    } catch (IOException failure) {
                                        routeFailures.add(failure);
                                        throw failure;
                                    }
                                }
                            });
                }
            });
            long start = System.nanoTime();
            server.awaitScriptDone(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            assertEquals(1, routed.get());
            if (routeReads) {
                assertEquals(1, routeFailures.size());
                assertTrue(routeFailures.get(0).getMessage().contains("endless")
                        && routeFailures.get(0).getMessage().contains("maxMessageSize 200000"),
                        routeFailures.get(0).getMessage());
            }
            String dropped = server.session(0).receivedText();
            assertTrue(!dropped.contains("DELE") && !dropped.contains("QUIT"), dropped);
            await(() -> endpoint().getSkippedOversize() == 1, "skipped in the fresh session");
            assertEquals(0, endpoint().getPollFailures(), endpoint().getLastError());
        }
        awaitSpoolEmpty();
    }

    /** The script up to a logged-in session (USER/PASS, CAPA before and after). */
    private static ScriptedPop3Server.Script loggedIn(ScriptedPop3Server.Script s) {
        return ScriptedLogin.loggedIn(s, USER, PASSWORD, ScriptedLogin.CAPA_PIPELINING);
    }

    @Test
    void aStreamedMessageClaimedElsewhereIsSkippedAndTheSessionStaysInStep() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        String mailbox = "alice@127.0.0.1:" + stub.port();
        repo.add(mailbox + "/claimed#claim-" + System.currentTimeMillis() / 300_000); // in progress on another node
        context.getRegistry().bind("repo", repo);
        String claimed = large("claimed", 300);
        String next = large("next", 200);
        stub.add("claimed", claimed);
        stub.add("next", next);
        Map<String, byte[]> reads = new ConcurrentHashMap<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true&idempotentRepository=#repo&claims=lease&claimTimeout=300000")).routeId("pop")
                        .process(e -> reads.put(e.getExchangeId(), readAll(e)));
            }
        });
        await(() -> stub.uidls().equals(List.of("claimed")), "next processed and deleted, claimed left alone");
        assertEquals(java.util.Set.of("next"), reads.keySet());
        assertArrayEquals(bytes(next), reads.get("next"));
        List<String> first = stub.sessions.get(0);
        assertTrue(first.contains("QUIT"), first.toString());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        assertNotNull(repo.getCache().get(mailbox + "/next"));
        awaitSpoolEmpty();
    }

    @Test
    void aMessageWithinTheFirstBufferIsCachedAsBefore() throws Exception {
        String raw = small("tiny");
        stub.add("u1", raw);
        List<Object> sizes = new CopyOnWriteArrayList<>();
        List<String> bodyTypes = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stubUri("delete=true")).routeId("pop").process(e -> {
                    bodyTypes.add(e.getIn().getBody().getClass().getSimpleName());
                    sizes.add(e.getIn().getHeader(Pop3RawConstants.SIZE));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "deleted");
        assertEquals(List.of((long) raw.length()), sizes);
        assertEquals(List.of("InputStreamCache"), bodyTypes);
    }
}
