package dev.pop3raw.camel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.MessageInfo;

/**
 * The deletion state of every message of one consumer, and the session's DELE...QUIT. A message is, by UIDL:
 * <ul>
 * <li><b>in flight</b> from {@link #routingStarted} until its exchange completes ({@link #succeeded} or
 * {@link #failed}, the only ways out): never selected again meanwhile;</li>
 * <li><b>marked</b> in its session ({@link SessionDeletions}): to be deleted by that session's {@link #commit}, by
 * the message number it has in that session;</li>
 * <li><b>pending</b>: processed successfully, but its deletion was not committed: the exchange completed after its
 * session had ended (an asynchronous route), or the session broke, a DELE was refused, or QUIT was lost. The next
 * session deletes it by UIDL, never by a stale message number, and does not offer it to the route again.</li>
 * </ul>
 * Pending deletions are held in memory: after a restart the knowledge is gone and, without an idempotent repository,
 * such a message is offered again (at least once delivery). With a persistent repository it is not.
 * <p>
 * Thread-safe: exchanges complete on any thread; the polling thread selects and commits.
 */
final class DeletionLedger {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    /** The two commands of a commit; a {@link Pop3Session}, or a fake in a specification. */
    interface Deleter {
        boolean isClosed();

        void dele(int number) throws IOException;

        void quit() throws IOException;
    }

    private final MailboxKey mailbox;
    private final Pop3RawStatistics stats;
    /** UIDLs whose exchange was created and has not completed yet. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /**
     * deleteAfter: UIDLs marked because they were kept long enough, until their deletion is committed (also across
     * sessions, while pending), so that the commit counts them as expired.
     */
    private final Set<String> expiring = ConcurrentHashMap.newKeySet();

    DeletionLedger(MailboxKey mailbox, Pop3RawStatistics stats) {
        this.mailbox = mailbox;
        this.stats = stats;
    }

    // ---------------------------------------------------------------- what the selection asks

    boolean isInFlight(String uidl) {
        return inFlight.contains(uidl);
    }

    boolean isPending(String uidl) {
        return pending.contains(uidl);
    }

    /** Forgets UIDLs the server no longer lists (their deletion was committed after all, or someone else removed them). */
    void retainListed(Set<String> listed) {
        pending.retainAll(listed);
        expiring.retainAll(listed);
    }

    /** A message found too large on the wire is no longer pending: only oversizeAction decides about it. */
    void forgetPending(String uidl) {
        pending.remove(uidl);
    }

    int pendingCount() {
        return pending.size();
    }

    int inFlightCount() {
        return inFlight.size();
    }

    /**
     * deleteAfter: the message was kept long enough; deleted by this session's commit like any marked message (a lost
     * QUIT leaves it pending), and counted as expired once the deletion is committed.
     */
    void expired(SessionDeletions session, MessageInfo m) {
        expiring.add(m.uidl());
        session.mark(m);
    }

    // ---------------------------------------------------------------- transitions of an exchange

    void routingStarted(String uidl) {
        inFlight.add(uidl);
    }

    /**
     * The exchange of {@code uidl} succeeded. Its deletion state is recorded first (marked in its session while that is
     * open, else pending), and only then does it leave the in-flight set: a selection that no longer sees a message in
     * flight must find its outcome. Called last by a completion, after the repository's key is written.
     *
     * @param delete false without delete mode, or when recording the success failed
     */
    void succeeded(SessionDeletions session, String uidl, boolean delete) {
        try {
            if (delete && !session.offer(uidl)) {
                pending.add(uidl); // the session is over: deleted by UIDL at the next one
            }
        } finally {
            inFlight.remove(uidl);
        }
    }

    /** The exchange of {@code uidl} failed: nothing is deleted, and it is offered again. */
    void failed(String uidl) {
        inFlight.remove(uidl);
    }

    // ---------------------------------------------------------------- the end of a session

    /** A session whose messages are listed as {@code listed}. */
    SessionDeletions openSession(Map<String, MessageInfo> listed) {
        return new SessionDeletions(listed);
    }

    /**
     * The session broke (it is dropped without QUIT): what completed successfully, and what the selection marked, is
     * deleted by UIDL next time, not processed again.
     */
    void sessionBroken(SessionDeletions session) {
        pending.addAll(session.close());
        pending.addAll(session.toDelete.keySet());
    }

    /**
     * DELE what the session marked and what succeeded in it, then QUIT (which commits). A refused DELE leaves its
     * message pending; a session that broke during DELE committed nothing, and a lost QUIT may not have: all of it is
     * pending. Failures go to {@code handler}.
     */
    void commit(SessionDeletions session, Deleter deleter, ExceptionHandler handler) {
        Map<String, MessageInfo> toDelete = session.toDelete;
        for (String uidl : session.close()) {
            toDelete.put(uidl, session.listed.get(uidl));
        }
        List<String> marked = dele(toDelete, deleter, handler);
        if (deleter.isClosed()) {
            // the session broke during DELE: nothing was committed, so the messages the server had marked are pending
            // too (the refused and the unsent ones already are): deleted by UIDL at the next session, not routed again
            pending.addAll(marked);
            return;
        }
        try {
            deleter.quit();
            pending.removeAll(marked);
            stats.messagesDeleted.addAndGet(marked.size());
            countExpired(marked);
            if (!marked.isEmpty()) {
                LOG.debug("pop3raw: deleted {} messages from {}", marked.size(), mailbox);
            }
        } catch (IOException | RuntimeException failure) {
            pending.addAll(marked); // QUIT lost
            handler.handleException("pop3raw: QUIT on " + mailbox + " failed; " + marked.size()
                    + " deletions may not have been committed and are retried at the next poll",
                    failure);
        }
    }

    private void countExpired(List<String> committed) {
        if (expiring.isEmpty()) {
            return;
        }
        int n = 0;
        for (String uidl : committed) {
            if (expiring.remove(uidl)) {
                n++;
            }
        }
        stats.messagesExpired.addAndGet(n);
    }

    /** Sends the DELEs; returns the UIDLs the server marked. */
    private List<String> dele(Map<String, MessageInfo> toDelete, Deleter deleter, ExceptionHandler handler) {
        List<String> marked = new ArrayList<>(toDelete.size());
        for (Map.Entry<String, MessageInfo> e : toDelete.entrySet()) {
            String uidl = e.getKey();
            if (deleter.isClosed()) {
                pending.add(uidl);
                continue;
            }
            try {
                deleter.dele(e.getValue().number());
                marked.add(uidl);
            } catch (IOException | RuntimeException failure) {
                pending.add(uidl); // DELE refused
                handler.handleException("pop3raw: DELE of message " + uidl + " of " + mailbox
                        + " failed; it will be deleted at a later poll, not processed again", failure);
            }
        }
        return marked;
    }

    /**
     * One POP3 session's deletions: the messages its selection marked (polling thread), and those whose exchange
     * completed successfully while it was still open (any thread).
     */
    static final class SessionDeletions {
        private final Map<String, MessageInfo> listed;
        /** Marked by the selection; polling thread only. */
        private final Map<String, MessageInfo> toDelete = new LinkedHashMap<>();
        private final List<String> succeeded = new ArrayList<>();
        private boolean open = true;

        private SessionDeletions(Map<String, MessageInfo> listed) {
            this.listed = listed;
        }

        /** The selection decided to delete this message in this session (pending, processed before, oversize). */
        void mark(MessageInfo m) {
            toDelete.put(m.uidl(), m);
        }

        /** @return false when the session is over (the caller records a pending deletion instead) */
        private synchronized boolean offer(String uidl) {
            if (!open) {
                return false;
            }
            succeeded.add(uidl);
            return true;
        }

        private synchronized List<String> close() {
            open = false;
            List<String> result = List.copyOf(succeeded);
            succeeded.clear();
            return result;
        }
    }
}
