package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.GreenMailMailbox;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedMailbox;

/**
 * A message that turns out bigger than listed (issue 14): GreenMail 2.1.12 lists every message about 394 octets short,
 * servers that count LF line ends one octet per line. With {@code maxMessageSize} between the listed and the real size,
 * the retrieval of such a message is stopped and its session dropped; the message is then remembered by UIDL and never
 * retrieved again by this consumer, the same poll reconnects to commit the deletions of the messages routed before it
 * and to go on with those listed after it, and {@code oversizeAction} applies to it from then on.
 * <p>
 * The scenario of the issue: 20 messages, the fifth 2 MiB, delete mode. Counts are taken at the server: RETR commands
 * per message ({@link ScriptedMailbox}, or the commands passing a proxy in front of GreenMail) and what is left in the
 * mailbox.
 */
class Pop3RawOversizeOnWireTest extends ScriptedMailboxTestSupport {

    private static final int MESSAGES = 20;
    private static final int BIG_POSITION = 5;
    private static final String BIG = uidl(BIG_POSITION);
    /** What GreenMail 2.1.12 left out of the LIST size of the issue's message; the stub understates the big one as much. */
    private static final int SHORT_BY = 394;
    /** Polls that must have ended after the first one before the counts are checked. */
    private static final int LATER_POLLS = 5;

    private final List<String> routed = new CopyOnWriteArrayList<>();

    /** About 2 MiB of plain text lines. */
    private static String bigMessage() {
        StringBuilder b = new StringBuilder("Subject: big\r\nFrom: x@example.com\r\n\r\n");
        for (int i = 0; b.length() < 2 * 1024 * 1024; i++) {
            b.append("line ").append(i).append(" of a message that is larger than its server says it is\r\n");
        }
        return b.toString();
    }

    /** The issue's mailbox on the stub; returns a maxMessageSize between the big message's listed and real size. */
    private long issueMailboxOnStub() {
        String big = bigMessage();
        for (int i = 1; i <= MESSAGES; i++) {
            stub.add(uidl(i), i == BIG_POSITION ? big : mail("small " + i, "body " + i));
        }
        stub.listedShortBy.put(BIG, SHORT_BY);
        return big.length() - SHORT_BY / 2;
    }

    private void route(String uri, boolean readBody) throws Exception {
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").process(e -> {
                    routed.add(e.getExchangeId());
                    if (readBody) {
                        e.getIn().getBody(InputStream.class).readAllBytes();
                    }
                });
            }
        });
    }

    /** The stub's URI with one poll until the route is started again. */
    private String onePollUri(String options) {
        return "pop3raw:127.0.0.1:" + stub.port() + "?username=" + USER + "&password=RAW(" + PASSWORD + ")"
                + "&initialDelay=0&delay=60000&readTimeout=5000&exceptionHandler=#errors&" + options;
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    private Pop3RawConsumer pop3Consumer() {
        return (Pop3RawConsumer) context.getRoute("pop").getConsumer();
    }

    /** Waits until the first poll and {@link #LATER_POLLS} more have ended (a poll starts only after the last ended). */
    private void awaitPolls() throws InterruptedException {
        await(() -> endpoint().getPolls() >= 2 + LATER_POLLS, (1 + LATER_POLLS) + " polls ended");
    }

    private Map<String, Long> routedCounts() {
        return routed.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static long count(List<String> commands, String prefix) {
        return commands.stream().filter(c -> c.startsWith(prefix)).count();
    }

    // ---------------------------------------------------------------- the issue's scenario, scripted server

    @ParameterizedTest
    @EnumSource(OversizeAction.class)
    void theBigMessageIsRetrievedOnceAndTheOthersAreDeliveredAndDeletedInTheFirstPoll(OversizeAction action)
            throws Exception {
        long limit = issueMailboxOnStub();
        try (LogCapture log = LogCapture.warnings()) {
            route(uri(stub.port(), "exceptionHandler=#errors&delete=true&maxMessageSize=" + limit + "&oversizeAction="
                    + action), false);
            awaitPolls();
            assertIssueScenario(action, false);
            // skip: warned once; delete: the deletion logged once; fail: only the exception handler hears of it
            List<String> warnings = log.lines().stream().filter(l -> l.contains(" " + BIG + " ")).toList();
            assertEquals(action == OversizeAction.FAIL ? 0 : 1, warnings.size(), warnings.toString());
            if (action != OversizeAction.FAIL) {
                String said = action == OversizeAction.SKIP ? "skipping message " : "deleting message ";
                assertTrue(warnings.get(0).startsWith("WARN") && warnings.get(0).contains(said + BIG),
                        warnings.toString());
            }
        }
        if (action == OversizeAction.FAIL) {
            // reported at every poll from the first one's fresh session on, and only that
            assertTrue(errors.failures.size() >= 1 + LATER_POLLS, errors.messages.toString());
            for (Throwable failure : errors.failures) {
                assertInstanceOf(Pop3RawOversizeException.class, failure, errors.messages.toString());
                assertEquals(BIG, ((Pop3RawOversizeException) failure).getUidl());
            }
        } else {
            assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        }
    }

    /** The route reads the big message while it arrives: the read fails at maxMessageSize, the rest is the same. */
    @Test
    void streamDownloadTheBigMessageIsRoutedOnceAndThenSkipped() throws Exception {
        long limit = issueMailboxOnStub();
        route(uri(stub.port(), "exceptionHandler=#errors&delete=true&streamDownload=true&maxMessageSize=" + limit),
                true);
        awaitPolls();
        assertIssueScenario(OversizeAction.SKIP, true);
        assertEquals(1, routedCounts().get(BIG), "routed while it arrived, once");
        // the route's failed read, reported once; never anything else
        assertEquals(1, errors.failures.size(), errors.messages.toString());
        assertTrue(errors.messages.get(0).contains(BIG), errors.messages.toString());
    }

    /**
     * A route that handles the failed read of the big message completes its exchange successfully; that is no reason
     * to delete a message that was never received whole: only oversizeAction (here skip) decides.
     */
    @Test
    void streamDownloadARouteThatHandlesTheFailedReadDoesNotGetTheBigMessageDeleted() throws Exception {
        long limit = issueMailboxOnStub();
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(IOException.class).handled(true);
                from(uri(stub.port(),
                        "exceptionHandler=#errors&delete=true&streamDownload=true&maxMessageSize=" + limit))
                        .routeId("pop").process(e -> {
                            routed.add(e.getExchangeId());
                            e.getIn().getBody(InputStream.class).readAllBytes();
                        });
            }
        });
        awaitPolls();
        assertEquals(List.of(BIG), stub.uidls());
        assertEquals(1, stub.retrievals(BIG), stub.sessions.toString());
        assertEquals(MESSAGES, Set.copyOf(routed).size(), routed.toString());
        assertEquals(MESSAGES, routed.size(), routed.toString());
        assertEquals(0, pop3Consumer().getPendingDeletionCount());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    /**
     * What the issue asks, whatever the action: every other message delivered exactly once and deleted by the first
     * poll's fresh session; the big one asked for by RETR exactly once in all those polls, and never again; no poll
     * failed; the outcome of the action for the big one.
     */
    private void assertIssueScenario(OversizeAction action, boolean streamDownload) {
        Map<String, Long> counts = routedCounts();
        for (int i = 1; i <= MESSAGES; i++) {
            if (i != BIG_POSITION) {
                assertEquals(1L, counts.get(uidl(i)), uidl(i) + " delivered once: " + routed);
            }
        }
        assertEquals(streamDownload, counts.containsKey(BIG), routed.toString());
        assertEquals(1, stub.retrievals(BIG), "the big message RETRed once: " + stub.sessions);

        List<String> dropped = stub.sessions.get(0);
        assertTrue(dropped.contains("RETR " + BIG_POSITION), dropped.toString());
        assertEquals(0, count(dropped, "DELE") + count(dropped, "QUIT"), "the first session was dropped: " + dropped);
        List<String> fresh = stub.sessions.get(1);
        assertTrue(fresh.contains("QUIT"), fresh.toString());
        assertFalse(fresh.contains("RETR " + BIG_POSITION), fresh.toString());
        assertEquals(action == OversizeAction.DELETE ? MESSAGES : MESSAGES - 1, count(fresh, "DELE "),
                "the first poll's fresh session deletes the others"
                        + (action == OversizeAction.DELETE ? " and the big one" : "")
                        + ": " + fresh);
        for (List<String> later : stub.sessions.subList(2, stub.sessions.size())) {
            assertEquals(0, count(later, "RETR") + count(later, "DELE"), later.toString());
        }

        assertEquals(action == OversizeAction.DELETE ? List.of() : List.of(BIG), stub.uidls());
        assertEquals(0, endpoint().getPollFailures(), endpoint().getLastError());
        assertEquals(MESSAGES - 1 + (action == OversizeAction.DELETE ? 1 : 0), endpoint().getMessagesDeleted());
        if (action == OversizeAction.DELETE) {
            assertEquals(1, endpoint().getSkippedOversize());
            assertEquals(0, pop3Consumer().getOversizeOnWireCount(), "forgotten once no longer listed");
        } else {
            assertTrue(endpoint().getSkippedOversize() >= 1 + LATER_POLLS, "skipped at every poll");
            assertEquals(1, pop3Consumer().getOversizeOnWireCount());
        }
        assertEquals(0, pop3Consumer().getPendingDeletionCount());
    }

    // ---------------------------------------------------------------- the issue's scenario, GreenMail

    /**
     * GreenMail's own understatement. The consumer talks to GreenMail through a proxy that records the commands of each
     * connection and the octets the server sent on it: the big message crosses the wire in one connection only.
     */
    @ParameterizedTest
    @EnumSource(value = OversizeAction.class, names = {"SKIP", "DELETE"})
    @UsesGreenMail
    void greenMailListsTheBigMessageShortAndItIsRetrievedOnce(OversizeAction action) throws Exception {
        try (GreenMailMailbox greenMail = GreenMailMailbox.start(USER, PASSWORD)) {
            greenMailListsTheBigMessageShortAndItIsRetrievedOnce(action, greenMail);
        }
    }

    private void greenMailListsTheBigMessageShortAndItIsRetrievedOnce(OversizeAction action,
            GreenMailMailbox greenMail) throws Exception {
        String big = bigMessage();
        for (int i = 1; i <= MESSAGES; i++) {
            greenMail.deliver(i == BIG_POSITION ? big : mail("small " + i, "body " + i));
        }
        MessageInfo listedBig = greenMail.listing().stream().max(Comparator.comparingLong(MessageInfo::size))
                .orElseThrow();
        long real = greenMail.retrieveRaw(listedBig.number()).length;
        // short by the headers GreenMail does not count (37 octets for this message; 394 for the issue's)
        assertTrue(real - listedBig.size() >= 2, "GreenMail lists it short: " + listedBig.size() + " of " + real);
        long limit = (listedBig.size() + real) / 2;
        try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", greenMail.port()).recordClientChunks(true)) {
            route(uri(proxy.port(), "exceptionHandler=#errors&delete=true&maxMessageSize=" + limit + "&oversizeAction="
                    + action), false);
            awaitPolls();
            List<FaultyProxy.Connection> connections = proxy.connections();
            String retrBig = "RETR " + listedBig.number();
            List<String> dropped = commands(connections.get(0));
            assertTrue(dropped.contains(retrBig), dropped.toString());
            assertEquals(0, count(dropped, "DELE") + count(dropped, "QUIT"), dropped.toString());
            List<String> fresh = commands(connections.get(1));
            assertFalse(fresh.contains(retrBig), fresh.toString());
            assertEquals(action == OversizeAction.DELETE ? MESSAGES : MESSAGES - 1, count(fresh, "DELE "),
                    fresh.toString());
            assertTrue(fresh.contains("QUIT"), fresh.toString());
            for (FaultyProxy.Connection later : connections.subList(2, connections.size())) {
                assertEquals(0, count(commands(later), "RETR") + count(commands(later), "DELE"), later.toString());
            }
            assertEquals(1, connections.stream().filter(c -> c.serverToClientBytes() > limit).count(),
                    "the big message sent once: " + connections);
            context.getRouteController().stopRoute("pop"); // before the proxy goes
        }
        assertEquals(MESSAGES - 1, routed.size(), routed.toString());
        assertEquals(MESSAGES - 1, Set.copyOf(routed).size(), "each delivered once: " + routed);
        assertFalse(routed.contains(listedBig.uidl()), routed.toString());
        List<String> left = greenMail.listing().stream().map(MessageInfo::uidl).toList();
        assertEquals(action == OversizeAction.DELETE ? List.of() : List.of(listedBig.uidl()), left);
        assertEquals(0, endpoint().getPollFailures(), endpoint().getLastError());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    /** The command lines a client sent on a proxied connection. */
    private static List<String> commands(FaultyProxy.Connection connection) {
        return List.of(String.join("", connection.clientChunks()).split("\r\n"));
    }

    // ---------------------------------------------------------------- bounds of the fresh sessions

    /**
     * A server that understates every message: one poll opens at most {@link
     * Pop3RawConsumer#MAX_OVERSIZE_RECONNECTS_PER_POLL} fresh sessions, each after another message, and then leaves the
     * rest to the next poll, which goes on where it stopped; each message is asked for once and warned about once.
     */
    @Test
    void aServerThatUnderstatesEveryMessageCannotKeepOnePollReconnecting() throws Exception {
        stub.pipelining = false; // lock-step: the server sees exactly the RETRs the consumer reads
        int perPoll = 1 + Pop3RawConsumer.MAX_OVERSIZE_RECONNECTS_PER_POLL;
        int liars = perPoll + 2;
        String raw = mail("liar", "x".repeat(100_000));
        for (int i = 1; i <= liars; i++) {
            stub.add(uidl(i), raw);
            stub.listedShortBy.put(uidl(i), SHORT_BY);
        }
        stub.add("honest", mail("honest", "y"));
        long limit = raw.length() - SHORT_BY / 2;
        try (LogCapture log = LogCapture.warnings()) {
            route(uri(stub.port(), "exceptionHandler=#errors&delete=true&maxMessageSize=" + limit), false);
            await(() -> stub.uidls().size() == liars, "the honest message deleted");

            // first poll: perPoll sessions, one liar each, then it gives up; second poll: the other two liars, then
            // the honest message in a session that ends with QUIT
            List<String> givingUp = log.lines().stream()
                    .filter(l -> l.startsWith("WARN") && l.contains("in one poll")).toList();
            assertEquals(1, givingUp.size(), givingUp.toString());
            assertTrue(givingUp.get(0).contains("sent " + perPoll + " messages"), givingUp.get(0));
            List<List<String>> sessions = stub.sessions.subList(0, liars + 1);
            for (List<String> session : sessions.subList(0, liars)) {
                assertEquals(1, count(session, "RETR"), "one liar per session: " + session);
                assertFalse(session.contains("QUIT"), session.toString());
            }
            List<String> last = sessions.get(liars);
            assertEquals(List.of("RETR " + (liars + 1), "DELE " + (liars + 1), "QUIT"),
                    last.subList(last.size() - 3, last.size()), last.toString());
            for (int i = 1; i <= liars; i++) {
                String uidl = uidl(i);
                assertEquals(1, stub.retrievals(uidl), stub.sessions.toString());
                assertEquals(1, log.lines().stream().filter(l -> l.contains("skipping message " + uidl + " ")).count());
            }
        }
        assertEquals(List.of("honest"), routed);
        assertEquals(0, endpoint().getPollFailures(), endpoint().getLastError());
        assertEquals(liars, pop3Consumer().getOversizeOnWireCount());
    }

    /**
     * A server that announces LOGIN-DELAY would refuse (or count) an immediate second login: no fresh session, the
     * poll ends without error and the message is still remembered; the next poll (after the delay) goes on.
     */
    @Test
    void noFreshSessionWhenTheServerAnnouncesLoginDelay() throws Exception {
        stub.extraCapabilities = List.of("LOGIN-DELAY 60");
        long limit = issueMailboxOnStub();
        route(uri(stub.port(), "exceptionHandler=#errors&delete=true&maxMessageSize=" + limit), false);
        // the polls after the first are skipped for the announced delay: the first one has ended
        await(() -> endpoint().getSkippedBusy() >= 1, "the next poll waits for the LOGIN-DELAY");
        assertEquals(1, stub.sessions.size(), stub.sessions.toString());
        assertEquals(1, pop3Consumer().getOversizeOnWireCount());
        assertEquals(List.of(uidl(1), uidl(2), uidl(3), uidl(4)), routed);
        assertEquals(4, pop3Consumer().getPendingDeletionCount(), "deleted by the next session");
        assertEquals(0, endpoint().getPollFailures(), endpoint().getLastError());
    }

    /** maxMessagesPerPoll counts what the dropped session routed: the fresh session routes only the rest of it. */
    @Test
    void maxMessagesPerPollCountsAcrossTheFreshSession() throws Exception {
        stub.pipelining = false;
        long limit = issueMailboxOnStub();
        route(onePollUri("delete=true&maxMessagesPerPoll=10&maxMessageSize=" + limit), false);
        await(() -> stub.sessions.size() >= 2 && stub.sessions.get(1).contains("QUIT"), "the first poll ended");
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            if (i != BIG_POSITION) {
                expected.add(uidl(i));
            }
        }
        assertEquals(expected, routed);
        assertEquals(10, count(stub.sessions.get(1), "DELE "), stub.sessions.get(1).toString());
    }
}
