package dev.pop3raw.camel;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pop3raw.testing.ScriptedPop3Server;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static dev.pop3raw.camel.Pop3RawTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that lists a small message and then sends its data forever: maxMessageSize bounds what is really received,
 * the session is dropped (no QUIT, so nothing is deleted) instead of drained, and the poll fails with a clear error.
 */
class Pop3RawEndlessMessageTest extends CamelTestSupport {

    private static final String CAPA = "+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n";

    @Test
    void anEndlessMessageIsCutAtMaxMessageSizeAndNothingIsDeleted() throws Exception {
        AtomicInteger routed = new AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pw").send("+OK\r\n")
                .expect("CAPA").send(CAPA)
                .expect("UIDL", "LIST").send("+OK\r\n1 endless\r\n.\r\n+OK\r\n1 30\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\nSubject: never ends\r\n\r\n")
                .sendForever("all work and no play makes a server a liar\r\n"))) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3raw:127.0.0.1:" + server.port() + "?username=bob&password=pw&authMechanism=USER&tls=none"
                         + "&delete=true&maxMessageSize=200000&initialDelay=0&delay=60000&readTimeout=5000")
                            .routeId("pop").process(e -> routed.incrementAndGet());
                }
            });
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            long start = System.nanoTime();
            await(() -> endpoint.getPollFailures() >= 1, "the poll fails");
            assertTrue(endpoint.getLastError().contains("more than maxMessageSize 200000"), endpoint.getLastError());
            assertTrue(server.awaitClientClosed(Duration.ofSeconds(10)), "the session was dropped, not drained");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            assertEquals(0, routed.get());
            assertTrue(!server.receivedText().contains("DELE") && !server.receivedText().contains("QUIT"),
                    server.receivedText());
        }
    }
    /**
     * The idempotent repository fails while the first message is claimed, and the third message, already asked for
     * (pipelined), never ends: the failed poll drops the session at once instead of reading what is still in flight.
     */
    @Test
    void aFailedClaimDropsTheSessionInsteadOfDrainingAnEndlessMessageInFlight() throws Exception {
        String message = "Subject: whole\r\n\r\nbody\r\n.\r\n";
        Pop3RawStreamCacheSpoolTest.FailingRepository repo = new Pop3RawStreamCacheSpoolTest.FailingRepository();
        repo.failing = true;
        context.getRegistry().bind("repo", repo);
        AtomicInteger routed = new AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pw").send("+OK\r\n")
                .expect("CAPA").send(CAPA)
                .expect("UIDL", "LIST").send("+OK\r\n1 u1\r\n2 u2\r\n3 endless\r\n.\r\n"
                                             + "+OK\r\n1 25\r\n2 25\r\n3 30\r\n.\r\n")
                .expect("RETR 1", "RETR 2", "RETR 3")
                .send("+OK\r\n" + message + "+OK\r\n" + message + "+OK\r\nSubject: never ends\r\n\r\n")
                .sendForever("all work and no play makes a server a liar\r\n"))) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3raw:127.0.0.1:" + server.port() + "?username=bob&password=pw&authMechanism=USER&tls=none"
                         + "&idempotentRepository=#repo&initialDelay=0&delay=60000&readTimeout=5000")
                            .routeId("pop").process(e -> routed.incrementAndGet());
                }
            });
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            long start = System.nanoTime();
            await(() -> endpoint.getPollFailures() >= 1, "the poll fails");
            assertTrue(endpoint.getLastError().contains("repository down"), endpoint.getLastError());
            assertTrue(server.awaitClientClosed(Duration.ofSeconds(10)), "the session was dropped, not drained");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            assertEquals(0, routed.get());
            assertTrue(!server.receivedText().contains("QUIT"), server.receivedText());
        }
    }
}
