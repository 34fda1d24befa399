package dev.pop3raw.camel;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UIDLs of messages that were processed successfully but whose deletion has not been committed: the exchange
 * completed after its POP3 session had ended (an asynchronous route), or the session broke (or its QUIT failed)
 * before the deletion was committed. The next session deletes them by UIDL, never by a stale message number,
 * and does not offer them to the route again. Thread-safe: exchanges complete on any thread.
 * <p>
 * Held in memory: after a restart the knowledge is gone and, without an idempotent repository, such a message
 * is offered again (at least once delivery). With a persistent repository it is not.
 */
final class PendingDeletions {

    private final Set<String> uidls = ConcurrentHashMap.newKeySet();

    void add(String uidl) {
        uidls.add(uidl);
    }

    void addAll(Collection<String> more) {
        uidls.addAll(more);
    }

    boolean contains(String uidl) {
        return uidls.contains(uidl);
    }

    void removeAll(Collection<String> done) {
        uidls.removeAll(done);
    }

    /** Forgets UIDLs the server no longer lists (their deletion was committed after all, or someone else removed them). */
    void retainListed(Set<String> listed) {
        uidls.retainAll(listed);
    }

    int size() {
        return uidls.size();
    }
}
