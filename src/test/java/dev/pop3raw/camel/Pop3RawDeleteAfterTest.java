package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pop3raw.testing.CountingMemoryRepository;
import dev.pop3raw.testing.CountingStateRepository;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedMailbox;
import dev.pop3raw.testing.SettableClock;

/**
 * deleteAfter (docs/user-guide.adoc, "Leaving messages on the server for a while"), on a {@link ScriptedMailbox} that
 * records every command of every session, with a clock the test moves by days ({@link Pop3RawEndpoint#setClock}).
 * Each {@link RetentionNode} is one start of an application: its own CamelContext, with the repositories the test
 * hands it, so a restart and a move to another node are a new node on the same repositories. Polls are driven by hand
 * (startScheduler=false): each poll is exactly one session.
 */
@DisplayName("deleteAfter, on a ScriptedMailbox with a settable clock")
class Pop3RawDeleteAfterTest extends Pop3RawCamelTestSupport {

    private static final Duration KEPT = Duration.ofDays(14);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private ScriptedMailbox stub;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final List<RetentionNode> nodes = new ArrayList<>();
    private final CountingMemoryRepository repo = new CountingMemoryRepository();
    private final CountingStateRepository state = new CountingStateRepository();

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = ScriptedMailbox.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (RetentionNode n : nodes) {
            n.close();
        }
        stub.close();
    }

    /** A message whose Date header says it is decades old: only the time it was first processed counts. */
    private static String raw(String subject) {
        return "Date: Mon, 1 Jan 2001 00:00:00 +0000\r\nSubject: " + subject + "\r\nFrom: x@example.com\r\n\r\nbody of "
                + subject + "\r\n";
    }

    /** One start of the application on the test's repositories. */
    private RetentionNode node(String options) throws Exception {
        String uri = uri(stub.port(), "startScheduler=false&idempotentRepository=#repo&deleteAfter=14d"
                + "&deleteAfterStateRepository=#state" + (options.isEmpty() ? "" : "&") + options);
        RetentionNode node = new RetentionNode(uri, clock, Map.of("repo", repo, "state", state), routed);
        nodes.add(node);
        return node;
    }

    /** The commands of the last session that start with one of {@code verbs}. */
    private List<String> lastSession(String... verbs) {
        return stub.lastSession(verbs);
    }

    // ---------------------------------------------------------------- the age: from the first processing

    @ParameterizedTest
    @ValueSource(strings = {"claims=none", "claims=lease", "confirmedKeyCacheSize=0"})
    @DisplayName("kept deleteAfter long, never retrieved in between, deleted at the first poll after")
    void aMessageIsKeptForDeleteAfterAndDeletedAtTheFirstPollAfter(String options) throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode node = node(options);

        assertEquals(1, node.poll());
        assertEquals(List.of("m1"), routed);
        assertEquals(List.of(), lastSession("DELE"), "not deleted when processed");

        clock.advance(Duration.ofDays(7));
        assertEquals(0, node.poll());
        clock.advance(Duration.ofDays(7).minus(SECOND));
        assertEquals(0, node.poll());
        assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"), "14 days minus a second: kept");
        assertEquals(List.of("m1"), stub.uidls());

        clock.advance(SECOND);
        assertEquals(0, node.poll());
        assertEquals(List.of("DELE 1"), lastSession("DELE"), "14 days: deleted");
        assertEquals(List.of(), stub.uidls(), "committed by QUIT");
        assertEquals(1, stub.retrievals("m1"), "retrieved once, in 4 sessions");
        assertEquals(4, stub.sessions.size());
        assertEquals(1, node.endpoint.getMessagesExpired());
        assertEquals(1, node.endpoint.getMessagesDeleted());
    }

    @Test
    @DisplayName("each message ages from its own first processing")
    void eachMessageAgesFromItsOwnFirstProcessing() throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode node = node("");
        node.poll();
        clock.advance(Duration.ofDays(1));
        stub.add("m2", raw("m2"));
        node.poll();
        assertEquals(List.of("m1", "m2"), routed);

        clock.advance(KEPT.minus(Duration.ofDays(1)));
        node.poll();
        assertEquals(List.of("m2"), stub.uidls(), "m1 is 14 days old, m2 13");
        clock.advance(Duration.ofDays(1));
        node.poll();
        assertEquals(List.of(), stub.uidls());
        assertEquals(List.of("m1", "m2"), stub.retrieved, "each retrieved once");
    }

    @Test
    @DisplayName("the poll summary line counts the expired deletions")
    void theSummaryLineCountsTheExpiredDeletions() throws Exception {
        stub.add("m1", raw("m1"));
        stub.add("m2", raw("m2"));
        RetentionNode node = node("");
        node.poll();
        clock.advance(KEPT);
        try (LogCapture log = LogCapture.everything()) {
            node.poll();
            String line = log.lines().stream().filter(l -> l.contains(" listed 2, ")).findFirst().orElse("");
            assertTrue(line.contains("deleted 2 (expired 2)"), log.text());
        }
    }

    // ---------------------------------------------------------------- restarts and other nodes

    @Test
    @DisplayName("the age survives a restart: a new CamelContext on the same repositories")
    void theAgeSurvivesARestart() throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode first = node("");
        first.poll();
        first.close();

        clock.advance(KEPT.minus(SECOND));
        RetentionNode second = node("");
        assertEquals(0, second.poll());
        assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"), "kept after the restart, not retrieved again");
        clock.advance(SECOND);
        second.poll();
        assertEquals(List.of("DELE 1"), lastSession("DELE"));
        assertEquals(List.of(), stub.uidls());
        assertEquals(1, stub.retrievals("m1"));
    }

    @Test
    @DisplayName("another node on the shared repositories deletes what the first processed, when it is old enough")
    void anotherNodeDeletesWhatTheFirstProcessed() throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode a = node("claims=lease");
        RetentionNode b = node("claims=lease");
        a.poll();
        assertEquals(List.of("m1"), routed);

        clock.advance(KEPT.minus(SECOND));
        b.poll();
        a.poll();
        assertEquals(List.of("m1"), stub.uidls(), "neither deletes it early");
        clock.advance(SECOND);
        b.poll();
        assertEquals(List.of("DELE 1"), lastSession("DELE"), "node b deleted it");
        assertEquals(List.of(), stub.uidls());
        assertEquals(1, stub.retrievals("m1"), "retrieved once, by node a");
        assertEquals(List.of("m1"), routed);
    }

    // ---------------------------------------------------------------- the commit

    @Test
    @DisplayName("a QUIT that fails deletes nothing; the next poll deletes it, still unread")
    void aFailedQuitDeletesNothingAndTheNextPollTriesAgain() throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode node = node("");
        node.poll();
        clock.advance(KEPT);

        stub.dropOnQuit = true;
        node.poll();
        assertEquals(List.of("DELE 1"), lastSession("DELE"));
        assertEquals(List.of("m1"), stub.uidls(), "QUIT lost: nothing deleted");
        assertEquals(0, node.endpoint.getMessagesExpired());
        assertEquals(1, node.consumer.getPendingDeletionCount());

        stub.dropOnQuit = false;
        node.poll();
        assertEquals(List.of("DELE 1"), lastSession("DELE"));
        assertEquals(List.of(), stub.uidls());
        assertEquals(1, node.endpoint.getMessagesExpired(), "counted once committed");
        assertEquals(1, stub.retrievals("m1"));
    }

    // ---------------------------------------------------------------- a missing time

    @Test
    @DisplayName("a kept message without a time (processed before deleteAfter was set) gets the present: never early")
    void aKeptMessageWithoutATimeIsNeverDeletedEarly() throws Exception {
        stub.add("old", raw("old"));
        MailboxKey mailbox = new MailboxKey(USER, "127.0.0.1", stub.port());
        repo.start();
        repo.add(mailbox.keyOf("old")); // processed long ago, when deleteAfter was not set
        RetentionNode node = node("");

        assertEquals(0, node.poll());
        assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"));
        assertEquals(clock.instant().toString(), state.getState(mailbox.keyOf("old")), "the present, recorded");

        node.close();
        clock.advance(KEPT.minus(SECOND));
        RetentionNode restarted = node("");
        restarted.poll();
        assertEquals(List.of("old"), stub.uidls(), "the recorded time survived the restart");
        clock.advance(SECOND);
        restarted.poll();
        assertEquals(List.of(), stub.uidls());
        assertEquals(List.of(), routed, "never retrieved");
    }

    @Test
    @DisplayName("an entry that is not an instant counts as missing")
    void anUnreadableTimeCountsAsMissing() throws Exception {
        stub.add("m1", raw("m1"));
        MailboxKey mailbox = new MailboxKey(USER, "127.0.0.1", stub.port());
        repo.start();
        repo.add(mailbox.keyOf("m1"));
        state.setState(mailbox.keyOf("m1"), "last tuesday");
        RetentionNode node = node("");
        node.poll();
        assertEquals(List.of("m1"), stub.uidls());
        assertEquals(clock.instant().toString(), state.getState(mailbox.keyOf("m1")));
    }

    // ---------------------------------------------------------------- cost

    @Test
    @DisplayName("100,000 kept messages: a cold start asks once per message, an idle poll after it asks nothing")
    void aMailboxOfKeptMessagesCostsNoRepositoryCallPerIdlePoll() throws Exception {
        int size = Integer.getInteger("pop3raw.bigMailbox.size", Pop3RawBigMailboxIdlePollTest.DEFAULT_SIZE);
        MailboxKey mailbox = new MailboxKey(USER, "127.0.0.1", stub.port());
        repo.setCacheSize(size + 10);
        repo.start();
        String mail = raw("kept");
        String processedAt = clock.instant().toString();
        for (int i = 0; i < size; i++) {
            stub.add("u" + i, mail);
            repo.add(mailbox.keyOf("u" + i));
            state.setState(mailbox.keyOf("u" + i), processedAt);
        }
        RetentionNode node = node("claims=none");
        long[] calls = new long[3];
        long[] millis = new long[3];
        for (int poll = 0; poll < 3; poll++) {
            long before = total(repo.calls().snapshot()) + total(state.calls().snapshot());
            long t = System.nanoTime();
            assertEquals(0, node.poll());
            millis[poll] = (System.nanoTime() - t) / 1_000_000;
            calls[poll] = total(repo.calls().snapshot()) + total(state.calls().snapshot()) - before;
            clock.advance(Duration.ofDays(1));
        }
        System.out.printf("deleteAfter, %d kept messages: cold poll %d ms, %d calls; idle polls %d ms, %d calls and"
                + " %d ms, %d calls (repository %s, state %s)%n", size, millis[0], calls[0], millis[1], calls[1],
                millis[2], calls[2], repo.calls().snapshot(), state.calls().snapshot());
        assertEquals(3L * size, calls[0], "cold: contains, the backlog key, the time; once per message");
        assertEquals(0, calls[1], "idle: nothing asked");
        assertEquals(0, calls[2], "idle: nothing asked");
        assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"));
        assertEquals(size, node.consumer.getConfirmedKeyCacheSize());
    }

    private static long total(java.util.Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    // ---------------------------------------------------------------- with the other selection rules

    @Test
    @DisplayName("initialBacklog=skip: what was skipped is never deleted; what was processed after is")
    void theSkippedBacklogIsNeverDeleted() throws Exception {
        stub.add("old1", raw("old1"));
        stub.add("old2", raw("old2"));
        RetentionNode node = node("initialBacklog=skip");
        assertEquals(0, node.poll());
        stub.add("new1", raw("new1"));
        assertEquals(1, node.poll());

        clock.advance(Duration.ofDays(400));
        node.poll();
        assertEquals(List.of("old1", "old2"), stub.uidls(), "new1 deleted, the backlog kept");
        node.close();
        RetentionNode restarted = node("initialBacklog=skip"); // the backlog key is read from the repository now
        restarted.poll();
        assertEquals(List.of("old1", "old2"), stub.uidls());
        assertEquals(List.of("new1"), stub.retrieved);
    }

    @Test
    @DisplayName("a message over maxMessageSize is never processed, so never deleted by deleteAfter")
    void anOversizeMessageIsNotDeleted() throws Exception {
        stub.add("big", raw("big") + "x".repeat(2000) + "\r\n");
        stub.add("small", raw("small"));
        RetentionNode node = node("maxMessageSize=1000");
        node.poll();
        clock.advance(KEPT);
        node.poll();
        assertEquals(List.of("big"), stub.uidls());
        assertEquals(List.of("small"), routed);
    }

    @Test
    @DisplayName("a failed exchange is offered again and not aged")
    void aFailedExchangeIsNotKept() throws Exception {
        stub.add("m1", raw("m1"));
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("repo", repo);
        camel.getRegistry().bind("state", state);
        Pop3RawEndpoint endpoint = camel.getEndpoint(uri(stub.port(), "startScheduler=false&idempotentRepository=#repo"
                + "&deleteAfter=14d&deleteAfterStateRepository=#state"), Pop3RawEndpoint.class);
        endpoint.setClock(clock);
        List<String> attempts = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("pop").process(e -> {
                    attempts.add("m1");
                    if (attempts.size() == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                });
            }
        });
        try {
            camel.start();
            Pop3RawConsumer consumer = (Pop3RawConsumer) camel.getRoute("pop").getConsumer();
            consumer.poll();
            MailboxKey mailbox = new MailboxKey(USER, "127.0.0.1", stub.port());
            assertNull(state.getState(mailbox.keyOf("m1")), "no time for a failed exchange");
            clock.advance(KEPT);
            consumer.poll();
            assertEquals(2, attempts.size(), "offered again");
            assertNotNull(state.getState(mailbox.keyOf("m1")));
            assertEquals(List.of("m1"), stub.uidls(), "kept from its first successful processing");
        } finally {
            camel.close();
        }
    }
}
