package dev.pop3raw.camel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on messages in an idempotent repository shared by several consumers, built from its atomic {@code add},
 * {@code contains} and {@code remove} alone. One instance per consumer: it owns the leases that consumer holds.
 * <p>
 * <b>Periods.</b> Time is cut into lease periods ({@code claimTimeout} long); a lease key
 * {@code user@host:port/UIDL#claim-<period>} names its period. A key of period {@code k} keeps every other consumer
 * away in periods {@code k-1}, {@code k} and {@code k+1}: in {@code k} their {@code add} of the same key fails, and in
 * the neighbouring periods they see it when they check after their own add ({@link #acquire}).
 * <p>
 * <b>Renewal.</b> While the exchange runs, {@link #renewAll} (a scheduled task of the consumer, every quarter
 * period) adds the current period's key for every lease whose newest key is older, then removes the older keys: the
 * lease always holds one key that covers the present and the next period, and the whole period is left as slack
 * for a late renewal. A route that runs for many periods keeps its lease.
 * <p>
 * <b>Expiry.</b> A lease whose owner is gone (killed, crashed, frozen for more than a period) is renewed no more: its
 * newest key stops covering at the end of the period after its own, one to two periods after the last renewal or
 * the claim. Then any consumer claims the message again. One key is left behind per dead owner.
 */
final class MessageLeases {

    private static final Logger LOG = LoggerFactory.getLogger(MessageLeases.class);

    /** A message this consumer holds; its keys are touched only under the lease's own lock. */
    static final class Lease {
        private final String uidl;
        /** The periods of the keys this lease added and has not removed yet, oldest first. */
        private final Deque<Long> periods = new ArrayDeque<>();
        private boolean released;
        private boolean lostReported;

        private Lease(String uidl, long period) {
            this.uidl = uidl;
            this.periods.add(period);
        }

        String uidl() {
            return uidl;
        }

        synchronized Set<Long> heldPeriods() {
            return Set.copyOf(periods);
        }
    }

    private final IdempotentRepository repository;
    private final MailboxKey mailbox;
    private final long periodMillis;
    private final LongSupplier clock;
    private final Set<Lease> active = ConcurrentHashMap.newKeySet();

    MessageLeases(IdempotentRepository repository, MailboxKey mailbox, long periodMillis, LongSupplier clock) {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("claimTimeout must be positive, was " + periodMillis + " ms");
        }
        this.repository = repository;
        this.mailbox = mailbox;
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    /** How often {@link #renewAll} should run: four times a period, so a late run still has most of it as slack. */
    long renewalIntervalMillis() {
        return Math.max(1, periodMillis / 4);
    }

    long currentPeriod() {
        return Math.floorDiv(clock.getAsLong(), periodMillis);
    }

    /** Takes a lease on a message for routing; null when another consumer holds one or the message is processed. */
    Lease acquire(Exchange exchange, String uidl) {
        long period = currentPeriod();
        String key = mailbox.claimKeyOf(uidl, period);
        if (!repository.add(exchange, key)) {
            return null;
        }
        if (heldElsewhereOrProcessed(uidl, period)) {
            repository.remove(exchange, key);
            return null;
        }
        Lease lease = new Lease(uidl, period);
        active.add(lease);
        return lease;
    }

    /**
     * Checked after the add: of two consumers adding keys of neighbouring periods (a period boundary, clocks a little
     * apart), the one that checks last sees the other's key, so at most one goes on. And a consumer that listed the
     * message before another finished it sees the processed key here.
     */
    private boolean heldElsewhereOrProcessed(String uidl, long period) {
        return repository.contains(mailbox.claimKeyOf(uidl, period - 1))
                || repository.contains(mailbox.claimKeyOf(uidl, period + 1))
                || repository.contains(mailbox.keyOf(uidl));
    }

    /**
     * Renews every lease held (the consumer's scheduled task). A repository failure is logged; the next run retries.
     * An {@link Error} too (a JDBC driver class missing, an OutOfMemoryError): thrown out of this task, it would make
     * the executor cancel the renewal for good, in silence, and every lease of the consumer would lapse under its
     * running routes.
     */
    void renewAll() {
        for (Lease lease : active) {
            try {
                renew(lease);
            } catch (RuntimeException | Error e) {
                LOG.warn("pop3raw: renewing the lease on message {} of {} failed; retried in {} ms", lease.uidl,
                        mailbox,
                        renewalIntervalMillis(), e);
            }
        }
    }

    /** Adds the current period's key if the lease's newest key is older, then drops the keys the new one makes redundant. */
    void renew(Lease lease) {
        synchronized (lease) {
            if (lease.released || lease.lostReported) {
                return;
            }
            long now = currentPeriod();
            long newest = lease.periods.getLast();
            if (newest >= now) {
                return;
            }
            // newest == now - 1 still covers this period; older means renewals stopped for a while (a pause longer
            // than a period) and another consumer may have claimed the message meanwhile
            boolean lapsed = newest < now - 1;
            String key = mailbox.claimKeyOf(lease.uidl, now);
            if (!repository.add(key)) {
                // held by a consumer claiming right now (it sees our key of the last period and backs off: retried at
                // the next run), or, when lapsed, by the consumer that took the message over
                if (lapsed) {
                    lost(lease);
                }
                return;
            }
            if (lapsed && heldElsewhereOrProcessed(lease.uidl, now)) {
                repository.remove(key);
                lost(lease);
                return;
            }
            lease.periods.addLast(now);
            while (lease.periods.size() > 1) {
                // the key of period now covers now-1 .. now+1 alone
                repository.remove(mailbox.claimKeyOf(lease.uidl, lease.periods.getFirst()));
                lease.periods.removeFirst();
            }
        }
    }

    private void lost(Lease lease) {
        lease.lostReported = true;
        LOG.warn("pop3raw: the lease on message {} of {} lapsed (not renewed for more than a claimTimeout period of {}"
                + " ms: a long pause of this JVM?); another consumer may route it too", lease.uidl, mailbox,
                periodMillis);
    }

    /** Gives the lease up: removes every key it added. */
    void release(Exchange exchange, Lease lease) {
        synchronized (lease) {
            lease.released = true;
            active.remove(lease);
            while (!lease.periods.isEmpty()) {
                repository.remove(exchange, mailbox.claimKeyOf(lease.uidl, lease.periods.getFirst()));
                lease.periods.removeFirst();
            }
        }
    }

    /** How many leases this consumer holds. */
    int activeCount() {
        return active.size();
    }
}
