package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.Test;

import dev.pop3raw.client.MessageInfo;

/**
 * Specification of the {@link DeletionLedger}: each message's deletion state, and the session's DELE...QUIT, without
 * a server. The session's two commands are faked ({@link FakeDeleter}).
 */
class DeletionLedgerTest {

    private final MailboxKey mailbox = new MailboxKey("alice", "pop.example.com", 110);
    private final Pop3RawStatistics stats = new Pop3RawStatistics();
    private final DeletionLedger ledger = new DeletionLedger(mailbox, stats);
    private final Pop3RawConfiguration config = new Pop3RawConfiguration();
    private final RecordingHandler handler = new RecordingHandler();
    private final MessageSelection selection = new MessageSelection(config, mailbox, stats, ledger,
            new OversizeMessages(), new ConfirmedKeyCache(100, 0),
            new ListingProblemReport(mailbox, stats.skippedInvalidUidl), null, () -> handler);

    DeletionLedgerTest() {
        config.setDelete(true);
    }

    @Test
    void aMessageThatSucceedsWhileItsSessionIsOpenIsDeletedByThatSessionsCommit() {
        DeletionLedger.SessionDeletions session = ledger.openSession(listed(m(1, "a"), m(2, "b")));
        ledger.routingStarted("a");
        ledger.routingStarted("b");
        ledger.succeeded(session, "a", true);
        ledger.failed("b");

        FakeDeleter deleter = new FakeDeleter();
        ledger.commit(session, deleter, handler);

        assertEquals(List.of(1), deleter.deleted);
        assertTrue(deleter.quitSent);
        assertEquals(1, stats.messagesDeleted.get());
        assertEquals(0, ledger.inFlightCount());
        assertEquals(0, ledger.pendingCount());
        assertTrue(handler.failures.isEmpty());
    }

    @Test
    void aMessageThatSucceedsAfterItsSessionClosedIsDeletedAtTheNextSession() {
        DeletionLedger.SessionDeletions first = ledger.openSession(listed(m(1, "a")));
        ledger.routingStarted("a"); // an asynchronous route: still running when the session commits
        FakeDeleter firstDeleter = new FakeDeleter();
        ledger.commit(first, firstDeleter, handler);
        assertEquals(List.of(), firstDeleter.deleted);

        ledger.succeeded(first, "a", true);
        assertFalse(ledger.isInFlight("a"));
        assertTrue(ledger.isPending("a"));

        // the next session lists it under another number: deleted by UIDL, not routed again
        Map<String, MessageInfo> listed = selection.listed(List.of(m(1, "new"), m(2, "a")), List.of());
        DeletionLedger.SessionDeletions next = ledger.openSession(listed);
        assertEquals(List.of(m(1, "new")), selection.select(listed, next, 0));
        FakeDeleter nextDeleter = new FakeDeleter();
        ledger.commit(next, nextDeleter, handler);
        assertEquals(List.of(2), nextDeleter.deleted);
        assertEquals(0, ledger.pendingCount());
    }

    @Test
    void aMessageWhoseExchangeIsStillRunningIsNeitherSelectedNorDeleted() {
        ledger.routingStarted("a");
        Map<String, MessageInfo> listed = selection.listed(List.of(m(1, "a")), List.of());
        DeletionLedger.SessionDeletions session = ledger.openSession(listed);
        assertEquals(List.of(), selection.select(listed, session, 0));
        FakeDeleter deleter = new FakeDeleter();
        ledger.commit(session, deleter, handler);
        assertEquals(List.of(), deleter.deleted);
        assertEquals(1, ledger.inFlightCount());
    }

    @Test
    void aFailedExchangeLeavesTheInFlightSetAndIsNeverDeleted() {
        DeletionLedger.SessionDeletions session = ledger.openSession(listed(m(1, "a")));
        ledger.routingStarted("a");
        ledger.failed("a");
        FakeDeleter deleter = new FakeDeleter();
        ledger.commit(session, deleter, handler);
        assertEquals(List.of(), deleter.deleted);
        assertEquals(0, ledger.inFlightCount());
        assertEquals(0, ledger.pendingCount());
    }

    @Test
    void aSuccessWithoutDeleteModeIsNeverDeleted() {
        DeletionLedger.SessionDeletions session = ledger.openSession(listed(m(1, "a")));
        ledger.routingStarted("a");
        ledger.succeeded(session, "a", false);
        FakeDeleter deleter = new FakeDeleter();
        ledger.commit(session, deleter, handler);
        assertEquals(List.of(), deleter.deleted);
        assertEquals(0, ledger.inFlightCount());
    }

    @Test
    void aRefusedDeleLeavesItsMessagePendingAndTheOthersAreDeleted() {
        DeletionLedger.SessionDeletions session = succeededInOneSession(m(1, "a"), m(2, "b"), m(3, "c"));
        FakeDeleter deleter = new FakeDeleter();
        deleter.refused = Set.of(2);

        ledger.commit(session, deleter, handler);

        assertEquals(List.of(1, 3), deleter.deleted);
        assertTrue(deleter.quitSent);
        assertEquals(2, stats.messagesDeleted.get());
        assertTrue(ledger.isPending("b"));
        assertEquals(1, ledger.pendingCount());
        assertEquals(1, handler.failures.size());
    }

    @Test
    void aLostQuitLeavesEveryMarkedMessagePending() {
        DeletionLedger.SessionDeletions session = succeededInOneSession(m(1, "a"), m(2, "b"));
        FakeDeleter deleter = new FakeDeleter();
        deleter.quitFails = true;

        ledger.commit(session, deleter, handler);

        assertEquals(List.of(1, 2), deleter.deleted);
        assertEquals(0, stats.messagesDeleted.get());
        assertTrue(ledger.isPending("a"));
        assertTrue(ledger.isPending("b"));
        assertEquals(1, handler.failures.size());
    }

    @Test
    void aSessionThatBreaksDuringDeleSendsNoQuitAndLeavesEveryMessagePending_alsoThoseAlreadyMarked() {
        DeletionLedger.SessionDeletions session = succeededInOneSession(m(1, "a"), m(2, "b"), m(3, "c"));
        FakeDeleter deleter = new FakeDeleter();
        deleter.breaksAt = 2;

        ledger.commit(session, deleter, handler);

        assertFalse(deleter.quitSent);
        assertEquals(0, stats.messagesDeleted.get());
        assertEquals(List.of(1), deleter.deleted, "the server marked a before the break; uncommitted without QUIT");
        assertTrue(ledger.isPending("a"), "marked but not committed: still to delete, never to route again");
        assertTrue(ledger.isPending("b"));
        assertTrue(ledger.isPending("c"));
    }

    @Test
    void aBrokenSessionLeavesWhatSucceededAndWhatWasMarkedPending() {
        ledger.routingStarted("earlier");
        DeletionLedger.SessionDeletions old = ledger.openSession(listed(m(1, "earlier")));
        ledger.sessionBroken(old);
        ledger.succeeded(old, "earlier", true); // pending: its session is over

        Map<String, MessageInfo> listed = selection.listed(List.of(m(1, "earlier"), m(2, "a")), List.of());
        DeletionLedger.SessionDeletions session = ledger.openSession(listed);
        assertEquals(List.of(m(2, "a")), selection.select(listed, session, 0));
        ledger.routingStarted("a");
        ledger.succeeded(session, "a", true);

        ledger.sessionBroken(session);

        assertTrue(ledger.isPending("earlier"));
        assertTrue(ledger.isPending("a"));
        assertEquals(0, stats.messagesDeleted.get());
    }

    @Test
    void aPendingDeletionTheServerNoLongerListsIsForgotten() {
        DeletionLedger.SessionDeletions session = succeededInOneSession(m(1, "a"));
        FakeDeleter deleter = new FakeDeleter();
        deleter.quitFails = true;
        ledger.commit(session, deleter, handler);
        assertEquals(1, ledger.pendingCount());

        selection.listed(List.of(m(1, "other")), List.of());

        assertEquals(0, ledger.pendingCount());
    }

    private DeletionLedger.SessionDeletions succeededInOneSession(MessageInfo... messages) {
        DeletionLedger.SessionDeletions session = ledger.openSession(listed(messages));
        for (MessageInfo m : messages) {
            ledger.routingStarted(m.uidl());
            ledger.succeeded(session, m.uidl(), true);
        }
        return session;
    }

    static MessageInfo m(int number, String uidl) {
        return new MessageInfo(number, 10, uidl);
    }

    static Map<String, MessageInfo> listed(MessageInfo... messages) {
        Map<String, MessageInfo> byUidl = new LinkedHashMap<>();
        for (MessageInfo m : messages) {
            byUidl.put(m.uidl(), m);
        }
        return byUidl;
    }

    @Test
    void anExpiredMessageIsCountedOnceItsDeletionIsCommittedAlsoAfterALostQuit() {
        DeletionLedger.SessionDeletions first = ledger.openSession(listed(m(1, "old"), m(2, "done")));
        ledger.expired(first, m(1, "old"));
        first.mark(m(2, "done")); // deleted for another reason (a pending deletion)
        FakeDeleter lost = new FakeDeleter();
        lost.quitFails = true;
        ledger.commit(first, lost, handler);
        assertEquals(0, stats.messagesExpired.get(), "QUIT lost: nothing counted");
        assertTrue(ledger.isPending("old"));

        Map<String, MessageInfo> listed = selection.listed(List.of(m(1, "old"), m(2, "done")), List.of());
        DeletionLedger.SessionDeletions next = ledger.openSession(listed);
        assertEquals(List.of(), selection.select(listed, next, 0));
        FakeDeleter deleter = new FakeDeleter();
        ledger.commit(next, deleter, handler);
        assertEquals(List.of(1, 2), deleter.deleted);
        assertEquals(2, stats.messagesDeleted.get());
        assertEquals(1, stats.messagesExpired.get(), "only the expired one, once");
    }

    /** DELE and QUIT of a session, as the specification needs them to go. */
    static final class FakeDeleter implements DeletionLedger.Deleter {
        final List<Integer> deleted = new ArrayList<>();
        Set<Integer> refused = Set.of();
        /** The connection breaks at this DELE (0: never). */
        int breaksAt;
        boolean quitFails;
        boolean quitSent;
        boolean closed;
        private int deles;

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void dele(int number) throws IOException {
            if (++deles == breaksAt) {
                closed = true;
                throw new IOException("connection reset");
            }
            if (refused.contains(number)) {
                throw new IOException("-ERR no such message");
            }
            deleted.add(number);
        }

        @Override
        public void quit() throws IOException {
            quitSent = true;
            closed = true;
            if (quitFails) {
                throw new IOException("read timed out");
            }
        }
    }

    /** The consumer's exception handler, as the specification sees it. */
    static final class RecordingHandler implements ExceptionHandler {
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void handleException(Throwable exception) {
            failures.add(exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            failures.add(exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            failures.add(exception);
        }
    }
}
