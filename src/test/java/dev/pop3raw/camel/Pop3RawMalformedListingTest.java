package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedMailbox;

/**
 * Issue 14 at the consumer: with a 20-message maildrop where a few listing lines are malformed, every message with a
 * valid UIDL is delivered (and deleted in delete mode), whatever its size line says; the messages without a valid UIDL
 * are neither retrieved nor deleted, are warned about once each however many polls see them, and are counted once.
 */
class Pop3RawMalformedListingTest extends ScriptedMailboxTestSupport {

    /** The messages whose UIDL line is broken, and how. */
    private static final Map<String, String> BAD_UIDL_LINES = Map.of(
            "m03", "%d", // empty unique-id
            "m05", "x m05", // no usable message number: m05 has no UIDL line
            "m07", "%d m07 extra", // a space in the unique-id
            "m11", ScriptedMailbox.OMIT, // no UIDL line at all
            "m13", "%d m\u000113", // a control octet
            "m15", "%d " + "u".repeat(71)); // longer than RFC 1939 allows
    /** The messages whose LIST line is broken, and how: their UIDL is fine, so they are delivered. */
    private static final Map<String, String> BAD_LIST_LINES = Map.of(
            "m09", "y 100", // no usable message number: m09 has no LIST line
            "m17", "%d", // no size
            "m18", "%d abc", // not a number
            "m19", "%d 99999999999999999999", // out of range
            "m20", "%d -5"); // negative

    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final Map<String, Object> listedSizes = new ConcurrentHashMap<>();

    private void route(String options) throws Exception {
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&" + options)).routeId("pop")
                        .process(e -> {
                            Object listed = e.getIn().getHeader(Pop3RawConstants.LISTED_SIZE);
                            listedSizes.put(e.getExchangeId(), listed == null ? "absent" : listed);
                            processed.add(e.getExchangeId());
                        });
            }
        });
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    private static long warningsContaining(LogCapture log, String text) {
        return log.lines().stream().filter(l -> l.startsWith("WARN ") && l.contains(text)).count();
    }

    /** The twenty messages m01..m20, with the malformed lines above. */
    private List<String> twentyMessages() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String id = uidl(i);
            ids.add(id);
            stub.add(id, raw(id, 10));
        }
        stub.uidlLineOverrides.putAll(BAD_UIDL_LINES);
        stub.listLineOverrides.putAll(BAD_LIST_LINES);
        return ids;
    }

    @Test
    void everyMessageWithAValidUidlIsDeliveredAndDeletedAndTheOthersAreLeftAlone() throws Exception {
        List<String> all = twentyMessages();
        List<String> good = all.stream().filter(id -> !BAD_UIDL_LINES.containsKey(id)).toList();
        List<String> bad = all.stream().filter(BAD_UIDL_LINES::containsKey).toList();
        try (LogCapture log = LogCapture.everything()) {
            route("delete=true");
            await(() -> processed.size() == good.size() && stub.sessions.size() >= 5,
                    "delivery, then a few more polls");

            // delivered once each, and deleted; the others stay on the server
            assertEquals(good, processed.stream().sorted().toList());
            assertEquals(bad, stub.uidls());
            // never retrieved: the server sent only good messages, each once
            assertEquals(good, stub.retrieved.stream().sorted().toList());
            // after the first session only the six bad ones are left: later sessions neither RETR nor DELE anything
            for (List<String> session : stub.sessions.subList(1, stub.sessions.size() - 1)) {
                assertFalse(session.stream().anyMatch(c -> c.startsWith("RETR") || c.startsWith("DELE")),
                        session.toString());
                assertTrue(session.contains("QUIT"), session.toString());
            }

            // each skipped entry is warned about once, however many polls list it
            assertEquals(6, warningsContaining(log, "is skipped (neither retrieved nor deleted)"), log.text());
            assertEquals(1, warningsContaining(log, "UIDL: the unique-id is empty"));
            assertEquals(1, warningsContaining(log, "contains a space"));
            assertEquals(1, warningsContaining(log, "contains the octet 0x01"));
            assertEquals(1, warningsContaining(log, "71 characters"));
            assertEquals(2, warningsContaining(log, "UIDL: no line for this message"), "m05 and m11");
            assertEquals(1,
                    warningsContaining(log, "listed a line that names no message, ignored: UIDL line \"x m05\""));
            // the ones with only a bad size are delivered, and said so once
            assertEquals(5, warningsContaining(log, "is handled with its size unknown"));
            assertEquals(1, warningsContaining(log, "LIST: the size \"abc\" is not a non-negative decimal number"));
            // counted once each, not once per poll
            assertEquals(6, endpoint().getSkippedInvalidUidl());
        }
        assertEquals(14L, endpoint().getMessagesDeleted());
        assertTrue(errors.messages.isEmpty(), errors.messages.toString());
    }

    @Test
    void anEntryWithAnUnknownSizeIsDeliveredWithoutAListedSize() throws Exception {
        twentyMessages();
        route("delete=true");
        await(() -> processed.size() == 14, "delivery");
        for (String id : BAD_LIST_LINES.keySet()) {
            assertEquals("absent", listedSizes.get(id), id);
        }
        assertEquals((long) raw("m01", 10).length(), listedSizes.get("m01"));
    }

    @Test
    void maxMessageSizeBoundsTheOctetsReceivedWhenTheSizeIsUnknownAndSuchAMessageIsAskedForOnlyOnce() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        context.getRegistry().bind("repo", repo);
        stub.add("small", raw("small", 10));
        stub.add("unknown-small", raw("unknown-small", 10));
        stub.add("unknown-big", raw("unknown-big", 5000));
        stub.add("after", raw("after", 10)); // listed after the oversize message: reached in the poll's fresh session
        stub.listLineOverrides.put("unknown-small", "%d abc");
        stub.listLineOverrides.put("unknown-big", "%d abc");
        route("delete=false&idempotentRepository=#repo&maxMessageSize=1000");
        await(() -> processed.size() == 3 && stub.sessions.size() >= 4, "delivery, then a few more polls");
        assertEquals(List.of("after", "small", "unknown-small"), processed.stream().sorted().toList());
        assertEquals(1, stub.retrieved.stream().filter("unknown-big"::equals).count(),
                "an unknown size does not keep a message from being asked for, but once it proved oversize it is"
                        + " remembered and never asked for again");
        assertFalse(processed.contains("unknown-big"), "more octets than maxMessageSize never reach the route");
    }

    @Test
    void twoMessagesWithTheSameUidlAreBothLeftAloneWarnedOnceEachAndCountedOnceEach() throws Exception {
        stub.add("one", raw("one", 10));
        stub.add("dup-a", raw("dup-a", 20));
        stub.add("dup-b", raw("dup-b", 30));
        stub.add("two", raw("two", 10));
        stub.uidlLineOverrides.put("dup-a", "%d dup");
        stub.uidlLineOverrides.put("dup-b", "%d dup");
        try (LogCapture log = LogCapture.everything()) {
            route("delete=true");
            await(() -> processed.size() == 2 && stub.sessions.size() >= 4, "delivery, then a few more polls");
            assertEquals(List.of("one", "two"), processed.stream().sorted().toList());
            assertEquals(List.of("dup-a", "dup-b"), stub.uidls());
            assertEquals(List.of("one", "two"), stub.retrieved.stream().sorted().toList());
            assertEquals(2, warningsContaining(log, "its UIDL dup is listed for more than one message"), log.text());
            assertEquals(2, endpoint().getSkippedInvalidUidl());
        }
    }

    @Test
    void aServerWithoutUidlGetsOneSummaryWarningAndNothingIsRetrieved() throws Exception {
        stub.add("one", raw("one", 10));
        stub.add("two", raw("two", 20));
        stub.uidlSupported = false;
        try (LogCapture log = LogCapture.everything()) {
            route("delete=true");
            await(() -> stub.sessions.size() >= 4, "a few polls");
            assertTrue(processed.isEmpty(), processed.toString());
            assertTrue(stub.retrieved.isEmpty(), stub.retrieved.toString());
            assertEquals(List.of("one", "two"), stub.uidls());
            assertEquals(1, warningsContaining(log, "lists 2 messages without a UIDL"), log.text());
            assertEquals(0, warningsContaining(log, "is skipped"));
            assertEquals(2, endpoint().getSkippedInvalidUidl());
        }
    }
}
