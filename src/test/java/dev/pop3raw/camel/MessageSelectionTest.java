package dev.pop3raw.camel;

import static dev.pop3raw.camel.DeletionLedgerTest.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.testing.SettableClock;

/**
 * Specification of the selection rules ({@link MessageSelection}), without a server: what a session retrieves, what it
 * deletes unread ({@link DeletionLedger#commit} with a fake session), and what it leaves on the server.
 */
class MessageSelectionTest {

    private final MailboxKey mailbox = new MailboxKey("alice", "pop.example.com", 110);
    private final Pop3RawStatistics stats = new Pop3RawStatistics();
    private final DeletionLedger ledger = new DeletionLedger(mailbox, stats);
    private final Pop3RawConfiguration config = new Pop3RawConfiguration();
    private final OversizeMessages oversizeMessages = new OversizeMessages();
    private final ConfirmedKeyCache confirmedKeys = new ConfirmedKeyCache(100, 0);
    private final DeletionLedgerTest.RecordingHandler handler = new DeletionLedgerTest.RecordingHandler();
    private MessageClaims claims;
    /** deleteAfter's rule; null unless a test sets it. */
    private KeptMessages kept;

    /** What one session selected and deleted. */
    private record Session(List<MessageInfo> selected, List<Integer> deleted) {
    }

    private Session session(MessageInfo... listing) {
        return session(0, listing);
    }

    private Session session(int routedBefore, MessageInfo... listing) {
        MessageSelection selection = new MessageSelection(config, mailbox, stats, ledger, oversizeMessages,
                confirmedKeys, new ListingProblemReport(mailbox, stats.skippedInvalidUidl), claims, () -> handler,
                kept);
        Map<String, MessageInfo> listed = selection.listed(List.of(listing), List.of());
        DeletionLedger.SessionDeletions deletions = ledger.openSession(listed);
        List<MessageInfo> selected = selection.select(listed, deletions, routedBefore);
        DeletionLedgerTest.FakeDeleter deleter = new DeletionLedgerTest.FakeDeleter();
        ledger.commit(deletions, deleter, handler);
        return new Session(selected, deleter.deleted);
    }

    @Test
    void everyMessageWithAValidAndUniqueUidlIsSelectedInListingOrder() {
        Session s = session(m(1, "a"), m(2, "b"));
        assertEquals(List.of(m(1, "a"), m(2, "b")), s.selected());
        assertEquals(List.of(), s.deleted());
    }

    @Test
    void aUidlListedTwiceIsNeverProcessedNorDeleted() {
        config.setDelete(true);
        // even when it was to be deleted: the UIDL cannot say which message it names
        leavePending("dup");

        Session s = session(m(1, "a"), m(2, "dup"), m(3, "dup"));

        assertEquals(List.of(m(1, "a")), s.selected());
        assertEquals(List.of(), s.deleted());
        assertEquals(0, ledger.pendingCount());
        assertEquals(2, stats.skippedInvalidUidl.get());
    }

    @Test
    void aMessageWithoutAValidUidlIsNeverProcessedNorDeleted() {
        Session s = session(m(1, "a"), m(2, "with space"));
        assertEquals(List.of(m(1, "a")), s.selected());
        assertEquals(List.of(), s.deleted());
        assertEquals(1, stats.skippedInvalidUidl.get());
    }

    @Test
    void aMessageListedOverMaxMessageSizeIsLeftOnTheServerWithOversizeActionSkip() {
        config.setMaxMessageSize(100);
        config.setOversizeAction(OversizeAction.SKIP);

        Session s = session(new MessageInfo(1, 101, "big"), new MessageInfo(2, 100, "fits"));

        assertEquals(List.of(new MessageInfo(2, 100, "fits")), s.selected());
        assertEquals(List.of(), s.deleted());
        assertEquals(1, stats.skippedOversize.get());
        assertTrue(handler.failures.isEmpty());
    }

    @Test
    void aMessageListedOverMaxMessageSizeIsReportedAtEveryPollWithOversizeActionFail() {
        config.setMaxMessageSize(100);
        config.setOversizeAction(OversizeAction.FAIL);

        Session first = session(new MessageInfo(1, 101, "big"));
        Session second = session(new MessageInfo(1, 101, "big"));

        assertEquals(List.of(), first.selected());
        assertEquals(List.of(), second.deleted());
        assertEquals(2, handler.failures.size());
        Pop3RawOversizeException e = assertInstanceOf(Pop3RawOversizeException.class, handler.failures.get(0));
        assertEquals("big", e.getUidl());
    }

    @Test
    void aMessageListedOverMaxMessageSizeIsDeletedUnreadWithOversizeActionDelete() {
        config.setMaxMessageSize(100);
        config.setOversizeAction(OversizeAction.DELETE);

        Session s = session(new MessageInfo(1, 101, "big"), new MessageInfo(2, 10, "small"));

        assertEquals(List.of(new MessageInfo(2, 10, "small")), s.selected());
        assertEquals(List.of(1), s.deleted());
    }

    @Test
    void aMessageWithAnUnknownSizeIsRetrievedAndMaxMessageSizeBoundsItsOctetsOnTheWire() {
        config.setMaxMessageSize(100);
        Session s = session(new MessageInfo(1, -1, "unknown"));
        assertEquals(1, s.selected().size());
    }

    @Test
    void aMessageFoundOversizeOnTheWireIsNeverRetrievedAgainAndOnlyOversizeActionDecides() {
        config.setDelete(true);
        config.setMaxMessageSize(100);
        config.setOversizeAction(OversizeAction.SKIP);
        leavePending("liar"); // a streamed route handled the failed read: a success, but not a reason to delete
        oversizeMessages.foundOnWire("liar", 101);

        Session s = session(new MessageInfo(1, 50, "liar"));

        assertEquals(List.of(), s.selected());
        assertEquals(List.of(), s.deleted());
        assertEquals(0, ledger.pendingCount());
    }

    @Test
    void aMessageFoundOversizeOnTheWireIsDeletedUnreadWithOversizeActionDelete() {
        config.setMaxMessageSize(100);
        config.setOversizeAction(OversizeAction.DELETE);
        oversizeMessages.foundOnWire("liar", 101);

        Session s = session(new MessageInfo(1, 50, "liar"));

        assertEquals(List.of(), s.selected());
        assertEquals(List.of(1), s.deleted());
    }

    @Test
    void aMessageProcessedBeforeIsNotRetrievedAgainAndWithDeleteIsDeletedAgain() {
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        repository.add(mailbox.keyOf("done"));
        claims = MessageClaims.create(repository, mailbox, ClaimMode.NONE, 15_000, System::currentTimeMillis);

        assertEquals(List.of(m(2, "new")), session(m(1, "done"), m(2, "new")).selected());
        assertEquals(1, confirmedKeys.size()); // the repository is not asked again for it

        config.setDelete(true);
        Session s = session(m(1, "done"));
        assertEquals(List.of(), s.selected());
        assertEquals(List.of(1), s.deleted());
    }

    @Test
    void maxMessagesPerPollCountsWhatEarlierSessionsOfThePollRouted() {
        config.setMaxMessagesPerPoll(3);
        Session s = session(2, m(1, "a"), m(2, "b"), m(3, "c"));
        assertEquals(List.of(m(1, "a")), s.selected());
    }

    @Test
    void aPendingDeletionIsDeletedWithoutBeingRoutedAgain() {
        config.setDelete(true);
        leavePending("a");
        Session s = session(m(1, "b"), m(2, "a"));
        assertEquals(List.of(m(1, "b")), s.selected());
        assertEquals(List.of(2), s.deleted());
    }

    @Test
    void initialBacklogSkipRecordsTheListingUnreadAndNeverDeletesIt() {
        config.setDelete(true);
        config.setInitialBacklog(InitialBacklog.SKIP);
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        claims = MessageClaims.create(repository, mailbox, ClaimMode.NONE, 15_000, System::currentTimeMillis);
        leavePending("own"); // this consumer's own work: its rule (pendingDeletion) decides

        Session first = session(m(1, "a"), m(2, "b"), m(3, "own"));

        assertEquals(List.of(), first.selected());
        assertEquals(List.of(3), first.deleted(), "only the pending deletion");
        for (String u : List.of("a", "b")) {
            assertTrue(repository.contains(mailbox.keyOf(u)) && repository.contains(mailbox.backlogKeyOf(u)), u);
        }
        assertTrue(!repository.contains(mailbox.backlogKeyOf("own")));
        assertTrue(repository.contains(mailbox.backlogSkippedMarker()));

        // a restart (a new selection, an empty cache): the marker is there, only new mail is selected, and the backlog's
        // processed keys, found in the repository, do not get it deleted
        confirmedKeys.clear();
        Session restarted = session(m(1, "a"), m(2, "b"), m(3, "new"));
        assertEquals(List.of(m(3, "new")), restarted.selected());
        assertEquals(List.of(), restarted.deleted());
    }

    @Test
    void initialBacklogSkipDoesNothingWhenTheMailboxsMarkerIsThere() {
        config.setInitialBacklog(InitialBacklog.SKIP);
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        repository.add(mailbox.backlogSkippedMarker());
        claims = MessageClaims.create(repository, mailbox, ClaimMode.NONE, 15_000, System::currentTimeMillis);

        assertEquals(List.of(m(1, "a")), session(m(1, "a")).selected());
        assertTrue(!repository.contains(mailbox.keyOf("a")));
    }

    @Test
    void aSkipCutShortBeforeItsMarkerIsRepeatedAndStillSelectsNothing() {
        config.setInitialBacklog(InitialBacklog.SKIP);
        boolean[] failMarker = {true};
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository() {
            @Override
            public boolean add(String key) {
                if (failMarker[0] && key.equals(mailbox.backlogSkippedMarker())) {
                    failMarker[0] = false;
                    throw new IllegalStateException("database down");
                }
                return super.add(key);
            }
        };
        repository.start();
        claims = MessageClaims.create(repository, mailbox, ClaimMode.NONE, 15_000, System::currentTimeMillis);

        assertThrows(IllegalStateException.class, () -> session(m(1, "a"), m(2, "b")));
        assertTrue(!repository.contains(mailbox.backlogSkippedMarker()));

        confirmedKeys.clear();
        assertEquals(List.of(), session(m(1, "a"), m(2, "b")).selected(), "skipped again, idempotently");
        assertTrue(repository.contains(mailbox.backlogSkippedMarker()));
        assertEquals(List.of(m(3, "c")), session(m(1, "a"), m(2, "b"), m(3, "c")).selected());
    }

    // ---------------------------------------------------------------- deleteAfter

    /** deleteAfter=14d on a memory repository and state, at {@code clock}. */
    private MemoryIdempotentRepository keepFor14Days(SettableClock clock, MemoryStateRepository state) {
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        claims = MessageClaims.create(repository, mailbox, ClaimMode.NONE, 15_000, System::currentTimeMillis);
        kept = new KeptMessages(Duration.ofDays(14), clock, new StateRepositoryTimes(state), mailbox);
        return repository;
    }

    @Test
    void withDeleteAfterAProcessedMessageIsKeptUnreadAndDeletedOnceItsFirstProcessingIsThatOld() {
        SettableClock clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
        MemoryStateRepository state = new MemoryStateRepository();
        MemoryIdempotentRepository repository = keepFor14Days(clock, state);
        repository.add(mailbox.keyOf("a"));
        kept.processed("a"); // its exchange succeeded now
        repository.add(mailbox.keyOf("b"));
        state.setState(mailbox.keyOf("b"), "2026-02-20T00:00:00Z"); // processed 9 days ago, by another node

        clock.advance(Duration.ofDays(5).minusSeconds(1));
        assertEquals(new Session(List.of(m(3, "c")), List.of()), session(m(1, "a"), m(2, "b"), m(3, "c")),
                "b is 14 days old minus a second: kept");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(2), session(m(1, "a"), m(2, "b")).deleted(), "b is 14 days old");
        assertEquals(1, stats.messagesExpired.get());
        clock.advance(Duration.ofDays(9));
        assertEquals(List.of(1), session(m(1, "a")).deleted());
        assertEquals(2, stats.messagesExpired.get());
    }

    @Test
    void withDeleteAfterAMissingTimeIsRecordedAsNowAndTheBacklogIsNeverDeleted() {
        SettableClock clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
        MemoryStateRepository state = new MemoryStateRepository();
        MemoryIdempotentRepository repository = keepFor14Days(clock, state);
        repository.add(mailbox.keyOf("old")); // processed before deleteAfter was set: no time
        repository.add(mailbox.backlogKeyOf("skipped"));
        repository.add(mailbox.keyOf("skipped"));

        assertEquals(List.of(), session(m(1, "old"), m(2, "skipped")).deleted());
        assertEquals("2026-03-01T00:00:00Z", state.getState(mailbox.keyOf("old")));
        assertEquals(null, state.getState(mailbox.keyOf("skipped")), "the backlog is not even looked up");
        clock.advance(Duration.ofDays(14));
        assertEquals(List.of(1), session(m(1, "old"), m(2, "skipped")).deleted());
        clock.advance(Duration.ofDays(400));
        assertEquals(List.of(), session(m(2, "skipped")).deleted());
    }

    /** The exchange of {@code uidl} succeeded after its session had ended. */
    private void leavePending(String uidl) {
        DeletionLedger.SessionDeletions over = ledger.openSession(Map.of());
        ledger.routingStarted(uidl);
        ledger.sessionBroken(over);
        ledger.succeeded(over, uidl, true);
    }
}
