package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deleteAfter option at start: Camel's duration syntax and ISO-8601 are read; zero, negative and unreadable values,
 * delete=true beside it, no idempotent repository, and no place for the first-processed times are refused when the
 * route is added, naming the option, before any connection (a listening socket sees none).
 */
class Pop3RawDeleteAfterOptionsTest extends Pop3RawCamelTestSupport {

    private ServerSocket listener;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        context.getRegistry().bind("repo", MemoryIdempotentRepository.memoryIdempotentRepository());
        context.getRegistry().bind("fileRepo", new FileIdempotentRepository());
        context.getRegistry().bind("state", new MemoryStateRepository());
    }

    @AfterEach
    void stopListening() throws IOException {
        listener.close();
    }

    @ParameterizedTest
    @CsvSource({"14d, PT336H", "36h, PT36H", "1d12h, PT36H", "90m, PT1H30M", "P14D, PT336H", "PT36H, PT36H",
            "p2d, PT48H", "1d500ms, PT24H0.5S"})
    void camelsDurationSyntaxAndIso8601AreRead(String text, String expected) {
        assertEquals(Duration.parse(expected), DeleteAfter.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0d", "P0D", "PT0S", "-1d", "-P1D", "P-1D"})
    void zeroOrNegativeFailsWhenTheRouteStarts(String value) {
        String messages = refusedAtStart("deleteAfter=" + value + "&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
        assertTrue(messages.contains("must be positive") || messages.contains("is not a duration"), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "14", "14 days", "1.5d", "14D", "1h 30m", "P", "99999999999999999999d",
            "P99999D"})
    void anUnreadableValueFailsWhenTheRouteStarts(String value) {
        String messages = refusedAtStart("deleteAfter=" + value + "&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
    }

    @Test
    void aBareNumberFailsWithAHintToWriteAUnit() {
        String messages = refusedAtStart("deleteAfter=14&idempotentRepository=#repo&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter=14 has no unit; write 14d for days"), messages);
    }

    @Test
    void anEmptyValueFailsWhenTheRouteStarts() {
        String messages = refusedAtStart("deleteAfter=&idempotentRepository=#repo&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
    }

    @Test
    void deleteTrueBesideItFailsWhenTheRouteStarts() {
        String messages = refusedAtStart("deleteAfter=14d&delete=true&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter and delete=true exclude each other"), messages);
    }

    @Test
    void withoutAnIdempotentRepositoryItFailsWhenTheRouteStarts() {
        String messages = refusedAtStart("deleteAfter=14d&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter needs an idempotentRepository"), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#repo", "#fileRepo"})
    void withoutAPlaceForTheTimesItFailsWhenTheRouteStarts(String repository) {
        String messages = refusedAtStart("deleteAfter=14d&idempotentRepository=" + repository);
        assertTrue(messages.contains("deleteAfterStateRepository"), messages);
        assertTrue(messages.contains("JdbcMessageIdRepository"), messages);
    }

    @Test
    void aValidConfigurationStarts() throws Exception {
        addRoute(uri(listener.getLocalPort(), "deleteAfter=P14D&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state&startScheduler=false"));
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    private String refusedAtStart(String options) {
        Exception e = assertThrows(Exception.class, () -> addRoute(uri(listener.getLocalPort(), options)));
        assertNull(context.getRoute("pop"), "the route was not added");
        assertNoConnection();
        return CatalogValidationTest.rootMessages(e);
    }

    private void addRoute(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").to("mock:out");
            }
        });
    }

    /** Nobody connected: the failure came before any poll. */
    private void assertNoConnection() {
        try {
            listener.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, listener::accept, "a poll connected");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
