package dev.pop3raw.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pop3raw.testing.FaultyProxy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.pop3raw.camel.Pop3RawStreamDownloadTest.bytes;
import static dev.pop3raw.camel.Pop3RawStreamDownloadTest.large;
import static dev.pop3raw.camel.Pop3RawStreamDownloadTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages that spool are received ahead: while the route runs one, the next is already being read from the server
 * on the consumer's second thread. The route sees nothing of it: the same bodies, the same batch positions (the last
 * exchange of a poll knows it is the last, also when the session breaks), the same commit rules, no spool file and no
 * thread left behind.
 */
class Pop3RawReceiveAheadTest extends Pop3RawTestSupport {

    private static final String THREAD_NAME = "pop3raw-receive-ahead";

    private final Path spool = Path.of("target/receive-ahead-spool").toAbsolutePath();
    private StubPop3Server stub;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return spoolingAbove16KiB(super.createCamelContext(), spool);
    }

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = new StubPop3Server();
    }

    @AfterEach
    void stopStub() throws Exception {
        stub.close();
    }

    /** Four messages of 300 KiB: longer than the 64 KiB copy buffer, and spooled (threshold 16 KiB). */
    private List<String> fourLongMessages() {
        List<String> raws = List.of(large("m1", 300), large("m2", 300), large("m3", 300), large("m4", 300));
        for (int i = 0; i < raws.size(); i++) {
            stub.add("u" + (i + 1), raws.get(i));
        }
        return raws;
    }

    private long spoolFiles() {
        try (var files = Files.list(spool)) {
            return files.count();
        } catch (IOException e) {
            return 0; // not created yet
        }
    }

    private static Map<String, Object> position(Exchange e) {
        return Map.of("uidl", e.getExchangeId(),
                "index", e.getProperty(ExchangePropertyKey.BATCH_INDEX),
                "size", e.getProperty(ExchangePropertyKey.BATCH_SIZE),
                "complete", e.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
    }

    private static Map<String, Object> position(String uidl, int index, int size, boolean complete) {
        return Map.of("uidl", uidl, "index", index, "size", size, "complete", complete);
    }

    private static boolean receiverThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains(THREAD_NAME));
    }

    @Test
    void theThirdMessageIsReceivedWhileTheRouteRunsTheFirst() throws Exception {
        List<String> raws = fourLongMessages();
        List<Long> spoolFilesWhileRoutingTheFirst = new CopyOnWriteArrayList<>();
        List<byte[]> reads = new CopyOnWriteArrayList<>();
        List<Map<String, Object>> positions = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&delete=true")).routeId("pop").process(e -> {
                    if (positions.isEmpty()) {
                        // the first and second message are whole in their files; a third file means the third
                        // message is arriving although this thread is busy here
                        awaitQuietly(() -> spoolFiles() >= 3);
                        spoolFilesWhileRoutingTheFirst.add(spoolFiles());
                    }
                    positions.add(position(e));
                    reads.add(readAll(e));
                });
            }
        });
        await(() -> stub.uidls().isEmpty(), "all four processed and deleted");
        assertEquals(List.of(3L), spoolFilesWhileRoutingTheFirst, "the third message was received ahead");
        assertEquals(List.of(position("u1", 0, 4, false), position("u2", 1, 4, false), position("u3", 2, 4, false),
                position("u4", 3, 4, true)), positions);
        for (int i = 0; i < raws.size(); i++) {
            assertArrayEquals(bytes(raws.get(i)), reads.get(i), "message " + (i + 1) + " whole and byte-exact");
        }
        assertEquals(4, ((Pop3RawEndpoint) context.getRoute("pop").getEndpoint()).getMessagesConsumed());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        await(() -> spoolFiles() == 0, "no spool file left behind");
    }

    @Test
    void aSessionCutWhileReceivingAheadStillEndsThePollWithItsLastExchangeAndLosesNothing() throws Exception {
        List<String> raws = fourLongMessages();
        // in the middle of the third message, which is received ahead while the first is routed
        long cut = (long) (raws.get(0).length() * 2.5);
        List<Map<String, Object>> positions = new CopyOnWriteArrayList<>();
        List<String> commandsBeforeTheSecondPoll = new CopyOnWriteArrayList<>();
        try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", stub.port())
                .planner(i -> i == 0 ? FaultyProxy.Plan.cutServerToClient(cut) : FaultyProxy.Plan.PASS)) {
            context.getRegistry().bind("errors", errors);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(proxy.port(), "exceptionHandler=#errors&delete=true")).routeId("pop").process(e -> {
                        if (positions.size() == 2) {
                            commandsBeforeTheSecondPoll.addAll(stub.allCommands());
                        }
                        positions.add(position(e));
                        readAll(e);
                    });
                }
            });
            await(() -> stub.uidls().isEmpty(), "all processed and deleted by the next session");
            assertEquals(1, proxy.cutCount());
        }
        assertEquals(List.of(position("u1", 0, 4, false), position("u2", 1, 2, true),
                position("u3", 0, 2, false), position("u4", 1, 2, true)), positions,
                "the broken poll's last exchange says so; each message routed once");
        assertFalse(commandsBeforeTheSecondPoll.stream().anyMatch(c -> c.startsWith("DELE") || c.equals("QUIT")),
                "nothing deleted by the broken session: " + commandsBeforeTheSecondPoll);
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        assertTrue(endpoint.getPollFailures() >= 1, "the broken session failed its poll");
        assertEquals(4, endpoint.getMessagesConsumed());
        await(() -> spoolFiles() == 0, "no spool file left behind, the cut message's included");
    }

    @Test
    void aRefusedRetrBetweenLongMessagesLeavesTheBatchPositionsExact() throws Exception {
        fourLongMessages();
        stub.refuseRetr.add("u3");
        List<Map<String, Object>> positions = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&delete=true")).routeId("pop").process(e -> {
                    positions.add(position(e));
                    readAll(e);
                });
            }
        });
        await(() -> stub.uidls().equals(List.of("u3")), "the three others processed and deleted");
        assertEquals(List.of(position("u1", 0, 3, false), position("u2", 1, 3, false), position("u4", 2, 3, true)),
                positions.subList(0, 3));
        assertTrue(errors.messages.stream().anyMatch(m -> m.contains("u3") && m.contains("did not send")),
                errors.messages.toString());
    }

    /** The repository fails while the first message is claimed and the third is on its way: nothing may leak. */
    @Test
    void aRepositoryFailureWhileReceivingAheadDropsTheWaitingMessagesAndTheNextPollTakesThemAll() throws Exception {
        fourLongMessages();
        FailingRepository repo = new FailingRepository();
        repo.failing = true;
        List<String> routed = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("errors", errors);
        context.getRegistry().bind("repo", repo);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&idempotentRepository=#repo"))
                        .routeId("pop").process(e -> {
                            routed.add(e.getExchangeId());
                            readAll(e);
                        });
            }
        });
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        await(() -> endpoint.getPollFailures() >= 1, "the poll fails");
        assertTrue(endpoint.getLastError().contains("repository down"), endpoint.getLastError());
        await(() -> spoolFiles() == 0, "the waiting messages' and the received one's spool files are deleted");
        assertEquals(List.of(), routed);
        repo.failing = false;
        await(() -> routed.size() == 4, "the next poll routes all four");
        assertEquals(List.of("u1", "u2", "u3", "u4"), routed);
        assertEquals(List.of("u1", "u2", "u3", "u4"), stub.uidls(), "idempotent mode: nothing deleted");
    }

    @Test
    void theSecondThreadEndsWithTheConsumerAndStreamDownloadNeverStartsOne() throws Exception {
        fourLongMessages();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&delete=true")).routeId("pop").process(e -> readAll(e));
            }
        });
        await(() -> stub.uidls().isEmpty(), "all four processed and deleted");
        assertTrue(receiverThreadAlive(), "the receive-ahead thread was started");
        context.getRouteController().stopRoute("pop");
        await(() -> !receiverThreadAlive(), "the receive-ahead thread ends when the consumer stops");

        fourLongMessages();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&delete=true&streamDownload=true")).routeId("streamed")
                        .process(e -> readAll(e));
            }
        });
        await(() -> stub.uidls().isEmpty(), "all four streamed and deleted");
        assertFalse(receiverThreadAlive(), "streamDownload reads on the polling thread only");
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    /** A repository that throws while {@code failing} is set. */
    static final class FailingRepository extends MemoryIdempotentRepository {
        volatile boolean failing;

        @Override
        public boolean add(String key) {
            if (failing) {
                throw new IllegalStateException("repository down");
            }
            return super.add(key);
        }
    }
}
