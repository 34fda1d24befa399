package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.CourierServer;
import dev.pop3raw.testing.ExtractedPop3Server;

/**
 * The consumer against a private Courier 1.0.16 (courier-pop with courier-authdaemon): USER, PLAIN, LOGIN, CRAM-MD5,
 * CRAM-SHA1 and CRAM-SHA256 over plain POP3, and the strongest mechanism over STLS and implicit TLS, in delete and
 * idempotent mode; and Courier's {@code LOGIN-DELAY 10}.
 */
class Pop3RawConsumerCourierTest extends RealServerConsumerContract {

    @Override
    protected ExtractedPop3Server startServer() throws IOException {
        return CourierServer.start();
    }

    /**
     * Courier announces LOGIN-DELAY 10: a consumer polling every 100 ms logs in once, then not again for 10 s. Counted
     * by the server: two logins for two messages, while the consumer ran 20+ polls.
     */
    @Test
    void respectsTheAnnouncedLoginDelay() throws Exception {
        CourierServer courier = (CourierServer) server;
        String user = "delay";
        courier.addUser(user, PASSWORD);
        courier.deliver(user, message(user, 0));
        List<String> uidls = new CopyOnWriteArrayList<>();
        try (CamelContext context = context(user, courier.pop3Port(), "tls=none&delete=true&idempotentRepository=#repo",
                new MemoryIdempotentRepository(), uidls, new ConcurrentHashMap<>())) {
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            Pop3RawCamelTestSupport.await(() -> uidls.size() == 1, "the first message");
            assertEquals(1, courier.logins(user), courier.logText());
            courier.deliver(user, message(user, 1));
            Pop3RawCamelTestSupport.await(() -> endpoint.getPolls() >= 20, "20 polls");
            assertEquals(1, courier.logins(user), "no login within the delay, though the consumer polled "
                    + endpoint.getPolls() + " times");
            assertEquals(1, uidls.size());
            Pop3RawCamelTestSupport.await(() -> uidls.size() == 2, "the second message, after the delay");
            assertEquals(2, courier.logins(user), "one login per LOGIN-DELAY");
            assertTrue(endpoint.getSkippedBusy() >= 19, "polls skipped meanwhile: " + endpoint.getSkippedBusy());
            assertEquals(0, endpoint.getPollFailures(), endpoint.getLastError());
        }
    }
}
