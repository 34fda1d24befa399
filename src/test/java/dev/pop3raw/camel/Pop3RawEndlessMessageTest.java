package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.FailingMemoryRepository;
import dev.pop3raw.testing.ScriptedLogin;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * A server that lists a small message and then sends its data forever: maxMessageSize bounds what is really received,
 * the session is dropped (no QUIT, so nothing is deleted) instead of drained, and the message is not asked for again.
 * A poll that ends for another reason with an endless message in flight drops its session too.
 */
class Pop3RawEndlessMessageTest extends CamelTestSupport {

    /**
     * The session that meets the endless message is dropped (no QUIT, nothing deleted); the same poll opens a fresh
     * session in which the message, remembered, is skipped without RETR, and that session ends with QUIT.
     */
    @Test
    void anEndlessMessageIsCutAtMaxMessageSizeAndNotAskedForAgain() throws Exception {
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
            routeCounting(server, "delete=true&maxMessageSize=200000", routed);
            long start = System.nanoTime();
            server.awaitScriptDone(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            assertEquals(0, routed.get());
            String dropped = server.session(0).receivedText();
            assertFalse(dropped.contains("DELE") || dropped.contains("QUIT"), dropped);
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            await(() -> endpoint.getSkippedOversize() == 1, "skipped in the fresh session");
            assertEquals(0, endpoint.getPollFailures(), endpoint.getLastError());
        }
    }

    /**
     * The idempotent repository fails while the first message is claimed, and the third message, already asked for
     * (pipelined), never ends: the failed poll drops the session at once instead of reading what is still in flight.
     */
    @Test
    void aFailedClaimDropsTheSessionInsteadOfDrainingAnEndlessMessageInFlight() throws Exception {
        FailingMemoryRepository repo = new FailingMemoryRepository();
        repo.addFailure = () -> new IllegalStateException("repository down");
        context.getRegistry().bind("repo", repo);
        AtomicInteger routed = new AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server
                .start(Pop3RawEndlessMessageTest::twoWholeThenAnEndlessOne)) {
            routeCounting(server, "idempotentRepository=#repo&claims=lease", routed); // the lease's add fails
            assertPollFailsAndSessionIsDropped(server, "repository down");
            assertEquals(0, routed.get());
        }
    }

    /**
     * The route is stopped while the third message, already asked for (pipelined), is in flight and never ends: the
     * consumer reads no more of it than maxMessageSize and drops the session, instead of draining it forever to reach
     * QUIT.
     */
    @Test
    void stoppingWithAnEndlessMessageInFlightDropsTheSessionAtMaxMessageSize() throws Exception {
        List<String> routed = new CopyOnWriteArrayList<>();
        try (ScriptedPop3Server server = ScriptedPop3Server
                .start(Pop3RawEndlessMessageTest::twoWholeThenAnEndlessOne)) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(server, "delete=true&maxMessageSize=200000")).routeId("pop").process(e -> {
                        routed.add(e.getExchangeId());
                        if (routed.size() == 1) {
                            // stop the route while this exchange runs: the batch ends with the third RETR in flight
                            Pop3RawConsumer consumer = (Pop3RawConsumer) e.getContext().getRoute("pop").getConsumer();
                            Thread stopper = new Thread(() -> {
                                try {
                                    e.getContext().getRouteController().stopRoute("pop");
                                } catch (Exception ignored) {
                                    // the assertions below tell
                                }
                            });
                            stopper.start();
                            await(() -> !consumer.isBatchAllowed(), "the consumer is stopping");
                        }
                    });
                }
            });
            assertTrue(server.awaitClientClosed(Duration.ofSeconds(20)), "the session was dropped, not drained");
            await(() -> context.getRouteController().getRouteStatus("pop").isStopped(), "the route stopped");
            assertEquals(List.of("u1", "u2"), routed, "the message held when the stop came is still routed");
            assertFalse(server.receivedText().contains("QUIT"), server.receivedText());
        }
    }

    /** The script up to a logged-in session (USER/PASS, CAPA before and after). */
    private static ScriptedPop3Server.Script loggedIn(ScriptedPop3Server.Script s) {
        return ScriptedLogin.loggedIn(s, "bob", "pw", ScriptedLogin.CAPA_PIPELINING);
    }

    /** Three messages listed and asked for in one write (pipelined): two whole ones, then one that never ends. */
    private static void twoWholeThenAnEndlessOne(ScriptedPop3Server.Script s) {
        String whole = "Subject: whole\r\n\r\nbody\r\n.\r\n";
        loggedIn(s)
                .expect("UIDL", "LIST").send("+OK\r\n1 u1\r\n2 u2\r\n3 endless\r\n.\r\n"
                        + "+OK\r\n1 25\r\n2 25\r\n3 30\r\n.\r\n")
                .expect("RETR 1", "RETR 2", "RETR 3")
                .send("+OK\r\n" + whole + "+OK\r\n" + whole + "+OK\r\nSubject: never ends\r\n\r\n")
                .sendForever("all work and no play makes a server a liar\r\n");
    }

    /** One poll of the scripted session (the script plays one), counting the exchanges routed. */
    private void routeCounting(ScriptedPop3Server server, String options, AtomicInteger routed) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(server, options)).routeId("pop").process(e -> routed.incrementAndGet());
            }
        });
    }

    private static String uri(ScriptedPop3Server server, String options) {
        return "pop3raw:127.0.0.1:" + server.port() + "?username=bob&password=pw&authMechanism=USER&tls=none"
                + "&initialDelay=0&delay=60000&readTimeout=5000&" + options;
    }

    /** The poll fails with {@code error} within seconds, and the session ends without QUIT, not drained. */
    private void assertPollFailsAndSessionIsDropped(ScriptedPop3Server server, String error) throws Exception {
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        long start = System.nanoTime();
        await(() -> endpoint.getPollFailures() >= 1, "the poll fails");
        assertTrue(endpoint.getLastError().contains(error), endpoint.getLastError());
        assertTrue(server.awaitClientClosed(Duration.ofSeconds(10)), "the session was dropped, not drained");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
        assertFalse(server.receivedText().contains("QUIT"), server.receivedText());
    }
}
