package dev.pop3raw.camel;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A bounded, per-consumer memory of the UIDLs whose idempotent key is known to be in the repository, so that a poll
 * of a mailbox already seen does not ask the repository about every listed message again (with a JDBC repository,
 * one round trip per message: 100,000 of them for a 100,000-message mailbox).
 * <p>
 * <b>What may enter.</b> Only what this consumer knows for sure: a message it {@link #confirmed confirmed} itself
 * after its exchange succeeded, or one whose processed key the repository {@link #foundPresent said it holds}. A
 * claim never enters (claims are other keys, see {@link MessageClaims}), and a failed exchange {@link #forget
 * removes} its UIDL.
 * <p>
 * <b>Bounded.</b> At most {@code capacity} UIDLs (the oldest go first), and after each listing only the UIDLs the
 * server still lists are kept ({@link #retainListed}), so the memory follows the size of the mailbox.
 * <p>
 * <b>Limitation.</b> A key removed from the repository by someone else (an operator who wants a message consumed
 * again, another node that claimed the message and then failed) is not noticed while its UIDL is cached: the message
 * is not offered again until the consumer restarts, the entry is evicted, or the entry's age passes
 * {@code revalidateAfterMillis} (then the repository is asked again). Thread-safe: exchanges complete on any thread.
 */
final class ConfirmedKeyCache {

    private final int capacity;
    private final long revalidateAfterNanos;
    /** UIDL to when it was cached and whether it is backlog skipped unread. */
    private final LinkedHashMap<String, Entry> entries;
    /** System.nanoTime in production; a test's clock to age entries without sleeping. */
    private final LongSupplier nanoClock;

    /**
     * @param capacity              the most UIDLs remembered; 0 disables the cache
     * @param revalidateAfterMillis after how long an entry is checked against the repository again; 0 never
     */
    ConfirmedKeyCache(int capacity, long revalidateAfterMillis) {
        this(capacity, revalidateAfterMillis, System::nanoTime);
    }

    ConfirmedKeyCache(int capacity, long revalidateAfterMillis, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.capacity = Math.max(0, capacity);
        this.revalidateAfterNanos = revalidateAfterMillis <= 0 ? 0 : revalidateAfterMillis * 1_000_000;
        this.entries = new LinkedHashMap<>(Math.min(this.capacity, 1 << 16), 0.75f) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ConfirmedKeyCache.this.capacity;
            }
        };
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** Whether the message is known to be processed; false means the repository must be asked. */
    synchronized boolean knownProcessed(String uidl) {
        return current(uidl) != null;
    }

    /** Whether the message is known to be backlog skipped unread (never to be deleted); false when not cached. */
    synchronized boolean knownBacklog(String uidl) {
        Entry e = current(uidl);
        return e != null && e.backlog;
    }

    private Entry current(String uidl) {
        if (capacity == 0) {
            return null;
        }
        Entry e = entries.get(uidl);
        if (e != null && revalidateAfterNanos > 0 && nanoClock.getAsLong() - e.since > revalidateAfterNanos) {
            entries.remove(uidl);
            e = null;
        }
        return e;
    }

    /** This consumer recorded the message as processed after a successful exchange. */
    synchronized void confirmed(String uidl) {
        put(uidl, false);
    }

    /** The repository answered that it holds the message's processed key. */
    synchronized void foundPresent(String uidl) {
        put(uidl, false);
    }

    /** The repository answered that it holds the message's processed key (and its backlog key, if {@code backlog}). */
    synchronized void foundPresent(String uidl, boolean backlog) {
        put(uidl, backlog);
    }

    /** This consumer recorded the message as backlog, seen without being retrieved (initialBacklog=skip). */
    synchronized void backlog(String uidl) {
        put(uidl, true);
    }

    /** The exchange of this UIDL failed and its key was removed: never answer from the cache for it. */
    synchronized void forget(String uidl) {
        entries.remove(uidl);
    }

    /** Forgets UIDLs the server no longer lists (deleted messages never come back under the same UIDL). */
    synchronized void retainListed(Set<String> listed) {
        if (entries.isEmpty()) {
            return;
        }
        for (Iterator<String> it = entries.keySet().iterator(); it.hasNext();) {
            if (!listed.contains(it.next())) {
                it.remove();
            }
        }
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }

    private void put(String uidl, boolean backlog) {
        if (capacity == 0) {
            return;
        }
        entries.remove(uidl); // re-inserted as the newest
        entries.put(uidl, new Entry(nanoClock.getAsLong(), backlog));
    }

    private record Entry(long since, boolean backlog) {
    }
}
