package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.CountingMemoryRepository;

/**
 * The rules GreenMail cannot show, against a private stub server that records every command and keeps RFC 1939's
 * promise (a session that ends without QUIT deletes nothing).
 */
@DisplayName("Commit rules and poll failures GreenMail cannot show (docs/user-guide.adoc, the commit rules), on a ScriptedMailbox")
class Pop3RawCommitRulesTest extends ScriptedMailboxTestSupport {

    private final List<String> processed = new CopyOnWriteArrayList<>();

    private void route(String options) throws Exception {
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&" + options)).routeId("pop")
                        .process(e -> processed.add(e.getExchangeId())).to("mock:out");
            }
        });
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    @Test
    @DisplayName("rule \"The server refuses one RETR\": that message is skipped and reported, the others go on")
    void aMessageThatCannotBeRetrievedDoesNotBlockTheRest() throws Exception {
        stub.add("u1", raw("one"));
        stub.add("u2", raw("two"));
        stub.add("u3", raw("three"));
        stub.refuseRetr.add("u2");
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(2);
        route("delete=true");
        mock.assertIsSatisfied(15_000);
        assertEquals(List.of("u1", "u3"), processed.subList(0, 2));
        Exchange last = mock.getReceivedExchanges().get(1);
        assertEquals(1, last.getProperty(ExchangePropertyKey.BATCH_INDEX));
        assertEquals(2, last.getProperty(ExchangePropertyKey.BATCH_SIZE));
        assertEquals(Boolean.TRUE, last.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
        await(() -> stub.uidls().equals(List.of("u2")), "u1 and u3 deleted, u2 kept");
        List<String> first = stub.sessions.get(0);
        assertTrue(first.containsAll(List.of("RETR 1", "RETR 2", "RETR 3", "DELE 1", "DELE 3", "QUIT")),
                first.toString());
        assertFalse(first.contains("DELE 2"));
        assertTrue(first.indexOf("DELE 1") > first.indexOf("RETR 3"), "DELE only after the pipelined batch ended");
        assertTrue(errors.messages.stream().anyMatch(m -> m.contains("u2")), errors.messages.toString());
    }

    @Test
    @DisplayName("rule \"idempotent mode\": a processed key is never retrieved again")
    void aKnownKeyIsNeverRetrieved() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        repo.add("alice@127.0.0.1:" + stub.port() + "/u1");
        repo.confirm("alice@127.0.0.1:" + stub.port() + "/u1");
        context.getRegistry().bind("repo", repo);
        stub.add("u1", raw("known"));
        stub.add("u2", raw("new"));
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route("idempotentRepository=#repo");
        mock.assertIsSatisfied(15_000);
        await(() -> stub.sessions.size() >= 3, "a few sessions");
        assertEquals(List.of("u2"), processed);
        assertFalse(stub.allCommands().contains("RETR 1"), stub.allCommands().toString());
        assertEquals(1, stub.allCommands().stream().filter("RETR 2"::equals).count(), "u2 retrieved once");
        assertFalse(stub.allCommands().stream().anyMatch(c -> c.startsWith("DELE")), "delete=false deletes nothing");
    }

    @Test
    @DisplayName("rule \"cost per poll\": an idle poll of a fully seen mailbox asks the repository nothing")
    void anIdlePollOfAFullySeenMailboxAsksTheRepositoryNothing() throws Exception {
        CountingMemoryRepository repo = new CountingMemoryRepository();
        repo.start();
        String mailbox = "alice@127.0.0.1:" + stub.port();
        for (String u : List.of("u1", "u2", "u3")) {
            repo.add(mailbox + "/" + u); // seen by another node or an earlier run
            stub.add(u, raw(u));
        }
        context.getRegistry().bind("repo", repo);
        route("idempotentRepository=#repo");
        await(() -> stub.sessions.size() >= 4, "a few idle polls");
        assertTrue(processed.isEmpty(), processed.toString());
        assertEquals(3, repo.containsCalls(), "one look-up per message at the first poll, none after");
        assertEquals(3, ((Pop3RawConsumer) context.getRoute("pop").getConsumer()).getConfirmedKeyCacheSize());
    }

    @Test
    @DisplayName("rule \"cost per poll\": a message confirmed by this consumer is not looked up again")
    void aMessageConfirmedByThisConsumerIsNotLookedUpAgain() throws Exception {
        CountingMemoryRepository repo = new CountingMemoryRepository();
        context.getRegistry().bind("repo", repo);
        stub.add("u1", raw("one"));
        route("idempotentRepository=#repo");
        await(() -> processed.size() == 1, "processed");
        long afterFirst = repo.containsCalls();
        await(() -> stub.sessions.size() >= 4, "a few idle polls");
        assertEquals(afterFirst, repo.containsCalls(), "no look-up after it was confirmed");
        assertEquals(List.of("u1"), processed);
    }

    @Test
    @DisplayName("rule \"The route throws, error not handled\": offered again at the next poll, not cached")
    void aFailedExchangeIsOfferedAgainAndNotCached() throws Exception {
        CountingMemoryRepository repo = new CountingMemoryRepository();
        context.getRegistry().bind("repo", repo);
        context.getRegistry().bind("errors", errors);
        stub.add("u1", raw("flaky"));
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "exceptionHandler=#errors&idempotentRepository=#repo")).routeId("pop")
                        .process(e -> {
                            if (attempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("first attempt fails");
                            }
                            processed.add(e.getExchangeId());
                        });
            }
        });
        await(() -> processed.size() == 1, "retried at a later poll and processed");
        assertEquals(2, attempts.get());
        assertEquals(2, stub.allCommands().stream().filter("RETR 1"::equals).count());
    }

    @Test
    @DisplayName("rule \"cost per poll\": with the cache disabled every poll looks up every message")
    void withTheCacheDisabledEveryPollLooksUpEveryMessage() throws Exception {
        CountingMemoryRepository repo = new CountingMemoryRepository();
        repo.start();
        repo.add("alice@127.0.0.1:" + stub.port() + "/u1");
        context.getRegistry().bind("repo", repo);
        stub.add("u1", raw("one"));
        route("idempotentRepository=#repo&confirmedKeyCacheSize=0");
        await(() -> stub.sessions.size() >= 3, "a few polls");
        assertTrue(repo.containsCalls() >= 2, "looked up at every poll: " + repo.containsCalls());
    }

    @Test
    @DisplayName("rule \"claims=lease\": a message claimed elsewhere is left alone, deleted unread once processed there")
    void aMessageClaimedByAnotherConsumerIsLeftAloneAndDeletedUnreadOnceProcessedThere() throws Exception {
        CountingMemoryRepository repo = new CountingMemoryRepository();
        repo.start();
        String mailbox = "alice@127.0.0.1:" + stub.port();
        long period = System.currentTimeMillis() / 300_000;
        repo.add(mailbox + "/claimed#claim-" + period); // in progress on another node
        context.getRegistry().bind("repo", repo);
        stub.add("claimed", raw("claimed elsewhere"));
        route("delete=true&idempotentRepository=#repo&claims=lease&claimTimeout=300000");
        await(() -> stub.sessions.size() >= 2, "two polls");
        assertTrue(processed.isEmpty(), processed.toString());
        long before = repo.containsCalls();
        repo.add(mailbox + "/claimed"); // the other node finished it; its QUIT was lost
        await(() -> stub.uidls().isEmpty(), "deleted unread once the processed key appears");
        assertTrue(repo.containsCalls() > before);
        assertTrue(processed.isEmpty(), processed.toString());
    }

    @Test
    @DisplayName("rule \"a message without a valid UIDL\": duplicate UIDLs are neither processed nor deleted")
    void duplicateUidlsAreNeitherProcessedNorDeleted() throws Exception {
        stub.add("dup", raw("first of two"));
        stub.add("ok", raw("unique"));
        stub.add("dup", raw("second of two"));
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route("delete=true");
        mock.assertIsSatisfied(15_000);
        await(() -> stub.uidls().equals(List.of("dup", "dup")), "only the unique message deleted");
        await(() -> stub.sessions.size() >= 2, "a second poll");
        assertEquals(List.of("ok"), processed);
        assertFalse(stub.allCommands().contains("RETR 1"), stub.allCommands().toString());
        assertFalse(stub.allCommands().stream().anyMatch(c -> c.equals("DELE 1") || c.equals("DELE 3")),
                stub.allCommands().toString());
    }

    @Test
    @DisplayName("rule \"The JVM stops while a message is in the route\": a crashed consumer's claim expires")
    void aClaimLeftByACrashedConsumerIsNeverDeletedAndExpiresSoTheMessageIsNotStranded() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        String mailbox = "alice@127.0.0.1:" + stub.port();
        long claimTimeout = 4000;
        repo.add(mailbox + "/crashed#claim-" + System.currentTimeMillis() / claimTimeout); // its consumer died
        repo.add(mailbox + "/done"); // processed, but the QUIT that would have deleted it was lost
        context.getRegistry().bind("repo", repo);
        stub.add("crashed", raw("interrupted by a crash"));
        stub.add("done", raw("processed, QUIT lost"));
        route("delete=true&idempotentRepository=#repo&claims=lease&claimTimeout=" + claimTimeout);
        await(() -> stub.uidls().equals(List.of("crashed")), "the processed one deleted unread, the claimed one kept");
        assertTrue(processed.isEmpty(), "the claim keeps the message away for at least one claim timeout");
        assertFalse(stub.allCommands().contains("RETR 2"), stub.allCommands().toString());
        await(() -> stub.uidls().isEmpty(), "once the claim expired the message is processed and deleted");
        assertEquals(List.of("crashed"), processed);
        assertTrue(repo.contains(mailbox + "/crashed"));
    }

    @Test
    @DisplayName("rule \"completed successfully\": the processed key is recorded and the claim released")
    void successRecordsTheProcessedKeyAndReleasesTheClaim() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        context.getRegistry().bind("repo", repo);
        stub.add("u1", raw("one"));
        route("delete=true&idempotentRepository=#repo");
        await(() -> stub.uidls().isEmpty(), "deleted");
        String mailbox = "alice@127.0.0.1:" + stub.port();
        assertTrue(repo.contains(mailbox + "/u1"));
        assertEquals(1, repo.getCacheSize(), "the claim was released");
    }

    @Test
    @DisplayName("rule \"QUIT fails or the connection drops at QUIT\": nothing deleted, not routed again")
    void aLostQuitDeletesNothingAndTheMessageIsNotProcessedAgain() throws Exception {
        stub.add("u1", raw("once"));
        stub.dropOnQuit = true;
        route("delete=true");
        await(() -> errors.messages.stream().anyMatch(m -> m.contains("QUIT")), "the lost QUIT is reported");
        assertEquals(List.of("u1"), stub.uidls(), "no QUIT, no deletion");
        assertTrue(stub.sessions.get(0).contains("DELE 1"));
        assertTrue(endpoint().getMessagesDeleted() == 0);
        stub.dropOnQuit = false;
        await(() -> stub.uidls().isEmpty(), "deleted by a later session");
        assertEquals(List.of("u1"), processed, "processed exactly once");
        List<String> committing = stub.sessions.get(stub.sessions.size() - 1);
        assertFalse(stub.sessions.stream().skip(1).anyMatch(s -> s.contains("RETR 1")), "not retrieved again");
        assertTrue(endpoint().getMessagesDeleted() >= 1, committing.toString());
    }

    @Test
    @DisplayName("rule \"QUIT fails or the connection drops at QUIT\": with a repository too")
    void aLostQuitWithRepositoryAlsoDeletesLaterWithoutReprocessing() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        context.getRegistry().bind("repo", repo);
        stub.add("u1", raw("once"));
        stub.dropOnQuit = true;
        route("delete=true&idempotentRepository=#repo");
        await(() -> errors.messages.stream().anyMatch(m -> m.contains("QUIT")), "the lost QUIT is reported");
        assertTrue(repo.contains("alice@127.0.0.1:" + stub.port() + "/u1"), "recorded");
        stub.dropOnQuit = false;
        await(() -> stub.uidls().isEmpty(), "deleted by a later session");
        assertEquals(List.of("u1"), processed);
    }

    @Test
    @DisplayName("rule \"A DELE is refused\": reported, deleted later, not routed again")
    void aFailingDeleIsReportedAndNotReprocessed() throws Exception {
        stub.add("u1", raw("stuck"));
        stub.deleReply = "-ERR [SYS/TEMP] cannot delete now";
        route("delete=true");
        await(() -> errors.messages.stream().anyMatch(m -> m.contains("DELE")), "the failing DELE is reported");
        await(() -> stub.sessions.size() >= 3, "more sessions");
        assertEquals(List.of("u1"), processed, "a message whose DELE failed is not processed again");
        stub.deleReply = "+OK marked";
        await(() -> stub.uidls().isEmpty(), "deleted once the server accepts DELE");
    }

    @Test
    @DisplayName("rule \"The exchange completes after the session ended\": deleted by UIDL, never by a stale number")
    void anAsynchronousExchangeIsDeletedLaterByUidlNotByAStaleNumber() throws Exception {
        stub.add("old", raw("old"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch releaseNew = new CountDownLatch(1);
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "delete=true")).routeId("pop").to("seda:slow");
                from("seda:slow").process(e -> {
                    String uidl = e.getIn().getHeader(Pop3RawConstants.UIDL, String.class);
                    (uidl.equals("old") ? release : releaseNew).await(20, TimeUnit.SECONDS);
                    processed.add(uidl);
                });
            }
        });
        await(() -> stub.sessions.size() >= 3, "sessions while the exchange runs");
        assertFalse(stub.allCommands().stream().anyMatch(c -> c.startsWith("DELE")), "nothing deleted while running");
        assertEquals(1, stub.allCommands().stream().filter("RETR 1"::equals).count(),
                "in-flight message not retrieved again");
        stub.addFirst("new", raw("new")); // "old" is message 2 in every session that starts from now on
        // wait until a session that sees the new numbering has begun ("new" retrieved as message 1)
        await(() -> stub.allCommands().stream().filter("RETR 1"::equals).count() >= 2, "new retrieved");
        int sessionsBefore = stub.sessions.size();
        release.countDown();
        await(() -> stub.uidls().equals(List.of("new")), "old deleted by a later session");
        List<String> deles = stub.allCommands().stream().filter(c -> c.startsWith("DELE")).toList();
        assertEquals(List.of("DELE 2"), deles, "the old message deleted under its current number");
        assertTrue(stub.sessions.size() > sessionsBefore);
        releaseNew.countDown();
        await(() -> stub.uidls().isEmpty(), "new deleted too");
        assertEquals(2, processed.size());
        assertTrue(processed.containsAll(List.of("old", "new")));
    }

    /** Timer granularity between the scheduler's delay and the server's accept times. */
    private static final long CLOCK_SLACK_MS = 20;

    /** Milliseconds from the server's accept of the first session to that of the second. */
    private long gapBetweenFirstSessions() {
        return TimeUnit.NANOSECONDS.toMillis(stub.sessionStarts.get(1) - stub.sessionStarts.get(0));
    }

    @Test
    @DisplayName("poll failures: [IN-USE] skips the poll quietly and waits inUseDelay")
    void inUseSkipsQuietlyAndWaits() throws Exception {
        stub.add("u1", raw("locked"));
        stub.passReply = "-ERR [IN-USE] maildrop locked by another session";
        route("delete=true&inUseDelay=1500");
        // the server's clock: the next session begins no sooner than inUseDelay after the refused one
        await(() -> stub.sessions.size() >= 2, "a second session");
        long gapMs = gapBetweenFirstSessions();
        assertTrue(gapMs >= 1500 - CLOCK_SLACK_MS, "a new session " + gapMs + " ms after [IN-USE], before inUseDelay");
        assertTrue(errors.failures.isEmpty(), "no error reported: " + errors.messages);
        assertEquals(0, endpoint().getPollFailures());
        assertTrue(endpoint().getSkippedBusy() >= 2, "polls skipped meanwhile: " + endpoint().getSkippedBusy());
        stub.passReply = "+OK";
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        mock.assertIsSatisfied(15_000);
    }

    @Test
    @DisplayName("poll failures: [LOGIN-DELAY] waits the announced delay")
    void loginDelayHonoursTheAnnouncedDelay() throws Exception {
        stub.add("u1", raw("later"));
        stub.extraCapabilities = List.of("LOGIN-DELAY 2");
        stub.passReply = "-ERR [LOGIN-DELAY] too soon";
        route("delete=true&inUseDelay=600000");
        // the next session begins no sooner than the announced 2 s (and long before inUseDelay)
        await(() -> stub.sessions.size() >= 2, "a second session");
        long gapMs = gapBetweenFirstSessions();
        assertTrue(gapMs >= 2000 - CLOCK_SLACK_MS, "a new session " + gapMs + " ms after [LOGIN-DELAY], before 2 s");
        stub.passReply = "+OK";
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        mock.assertIsSatisfied(15_000);
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    @Test
    @DisplayName("rule \"login refused\": [AUTH] and [SYS/PERM] fail the poll")
    void authAndSysPermAreErrors() throws Exception {
        stub.add("u1", raw("never"));
        stub.passReply = "-ERR [AUTH] invalid credentials";
        route("delete=true");
        await(() -> endpoint().getPollFailures() >= 2, "failing polls");
        assertTrue(errors.failures.stream().anyMatch(t -> String.valueOf(t.getMessage()).contains("[AUTH]")),
                errors.messages.toString());
        assertTrue(endpoint().getLastError().contains("[AUTH]"));
        stub.passReply = "-ERR [SYS/PERM] account disabled";
        await(() -> endpoint().getLastError().contains("[SYS/PERM]"), "SYS/PERM reported");
        assertTrue(processed.isEmpty());
        assertFalse(endpoint().getLastError().contains(PASSWORD));
    }
}
