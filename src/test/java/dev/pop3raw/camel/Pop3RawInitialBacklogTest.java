package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pop3raw.testing.CountingMemoryRepository;
import dev.pop3raw.testing.ScriptedMailbox;

/**
 * initialBacklog=skip (docs/user-guide.adoc, "Skipping the backlog"): the first poll of a new repository records the
 * listed messages as seen without retrieving or deleting them; later mail is processed; a restart with the same
 * repository does not skip again. Counted on the server side: the {@link ScriptedMailbox} records every command of
 * every session. Polls are driven by hand (startScheduler=false), so each poll is exactly one session.
 */
@DisplayName("initialBacklog=skip, on a ScriptedMailbox")
class Pop3RawInitialBacklogTest extends ScriptedMailboxTestSupport {

    private final List<String> routed = new CopyOnWriteArrayList<>();

    /**
     * The consumer of a freshly added route "pop" (as after a restart of the application: a new consumer, nothing
     * cached, no ledger) on {@code repo}; its polls are driven by the test. A route that ran before is removed first.
     */
    private Pop3RawConsumer consumer(CountingMemoryRepository repo, String options) throws Exception {
        if (context.getRoute("pop") != null) {
            context.getRouteController().stopRoute("pop");
            context.removeRoute("pop");
        }
        context.getRegistry().bind("repo", repo);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "initialBacklog=skip&startScheduler=false&idempotentRepository=#repo&" + options))
                        .routeId("pop")
                        .process(e -> routed.add(e.getMessage().getHeader(Pop3RawConstants.UIDL, String.class)));
            }
        });
        return (Pop3RawConsumer) context.getRoute("pop").getConsumer();
    }

    /** The commands of the last session that start with one of {@code verbs}. */
    private List<String> lastSession(String... verbs) {
        return stub.lastSession(verbs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete=false", "delete=true", "delete=true&confirmedKeyCacheSize=0",
            "delete=true&claims=lease"})
    @DisplayName("the first poll retrieves and deletes nothing; new mail only is routed (and deleted); a restart does not skip again")
    void theBacklogIsSkippedOnceAndNeverDeleted(String options) throws Exception {
        boolean delete = options.startsWith("delete=true");
        List<String> backlog = List.of("old1", "old2", "old3", "old4", "old5");
        backlog.forEach(u -> stub.add(u, raw(u)));
        CountingMemoryRepository repo = new CountingMemoryRepository();
        MailboxKey mailbox = new MailboxKey(USER, "127.0.0.1", stub.port());

        Pop3RawConsumer consumer = consumer(repo, options);
        try {
            assertEquals(0, consumer.poll(), "the backlog is not routed");
            assertEquals(1, stub.sessions.size());
            assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"), "nothing retrieved or deleted");
            assertTrue(lastSession("QUIT").size() == 1, "the session ended in QUIT");
            for (String u : backlog) {
                assertTrue(repo.contains(mailbox.keyOf(u)), u + " recorded as processed");
                assertTrue(repo.contains(mailbox.backlogKeyOf(u)), u + " recorded as backlog");
            }
            assertTrue(repo.contains(mailbox.backlogSkippedMarker()), "the marker is written");

            stub.add("new1", raw("new1"));
            assertEquals(1, consumer.poll());
            assertEquals(List.of("new1"), routed);
            assertEquals(List.of("RETR 6"), lastSession("RETR", "TOP"));
            assertEquals(delete ? List.of("DELE 6") : List.of(), lastSession("DELE"));
            assertEquals(0, consumer.poll(), "an idle poll");
            assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"));
        } finally {
            context.getRouteController().stopRoute("pop");
        }

        // a restart with the same repository: the marker is there, the backlog is not skipped again (and with
        // delete=true not deleted either, although its processed keys are in the repository)
        long addsBefore = repo.calls().snapshot().getOrDefault("add", 0L);
        stub.add("new2", raw("new2"));
        consumer = consumer(repo, options);
        try {
            assertEquals(1, consumer.poll());
            assertEquals(List.of("new1", "new2"), routed);
            assertEquals(1, lastSession("RETR", "TOP").size(), "new2 only");
            assertEquals(delete ? 1 : 0, lastSession("DELE").size(), "new2 only");
            if (!options.contains("claims=lease")) { // a lease adds keys of its own
                assertEquals(1, repo.calls().snapshot().get("add") - addsBefore, "only new2's processed key is added");
            }
        } finally {
            context.getRouteController().stopRoute("pop");
        }
        List<String> left = new ArrayList<>(backlog);
        if (!delete) {
            left.addAll(List.of("new1", "new2"));
        }
        assertEquals(left, stub.uidls(), "the backlog is still on the server");
        assertEquals(List.of("new1", "new2"), stub.retrieved);
    }

    @Test
    @DisplayName("a mailbox of 100,000 messages: the first poll is one UIDL + LIST listing, no RETR, no DELE")
    void aBigBacklogCostsOneListing() throws Exception {
        int size = Integer.getInteger("pop3raw.bigMailbox.size", Pop3RawBigMailboxIdlePollTest.DEFAULT_SIZE);
        String mail = raw("old");
        for (int i = 0; i < size; i++) {
            stub.add("u" + i, mail);
        }
        CountingMemoryRepository repo = new CountingMemoryRepository();
        Pop3RawConsumer consumer = consumer(repo, "delete=true");
        try {
            long t = System.nanoTime();
            assertEquals(0, consumer.poll());
            long firstMillis = (System.nanoTime() - t) / 1_000_000;
            assertEquals(1, lastSession("UIDL").size(), "one UIDL");
            assertEquals(1, lastSession("LIST").size(), "one LIST");
            assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"), "nothing retrieved or deleted");
            assertTrue(stub.retrieved.isEmpty());
            t = System.nanoTime();
            long containsBefore = repo.containsCalls();
            assertEquals(0, consumer.poll());
            long secondMillis = (System.nanoTime() - t) / 1_000_000;
            assertEquals(List.of(), lastSession("RETR", "TOP", "DELE"), "nothing retrieved or deleted");
            System.out.printf("initialBacklog=skip, %d messages: first poll %d ms (repository: %s), idle poll after"
                    + " it %d ms (%d contains)%n", size, firstMillis, repo.calls().snapshot(), secondMillis,
                    repo.containsCalls() - containsBefore);
            assertEquals(size, stub.uidls().size());
            assertFalse(routed.iterator().hasNext());
        } finally {
            context.getRouteController().stopRoute("pop");
        }
    }
}
