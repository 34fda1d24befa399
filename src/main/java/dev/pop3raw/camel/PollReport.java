package dev.pop3raw.camel;

import java.util.Locale;

import org.slf4j.Logger;

/**
 * What one poll did, for its summary line (docs/user-guide.adoc, "The poll summary line"). The counts are the poll's
 * own, taken on the polling thread, except failed: the exchanges that failed while the poll ran (with an asynchronous
 * route, an exchange of an earlier poll that completed meanwhile counts here), plus the RETRs the server refused.
 * The line is written only when the poll retrieved, deleted or failed something: a poll of an unchanged mailbox, even
 * one that skips messages at every poll (oversize, invalid UIDL), writes nothing at INFO.
 */
final class PollReport {

    /** How often a poll that routes a backlog writes a progress line. */
    static final long DEFAULT_PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    private final MailboxKey mailbox;
    private final Pop3RawStatistics stats;
    private final long startNanos;
    private final long progressIntervalNanos;
    private final long failedBefore;
    private final long retrievalFailuresBefore;
    private final long deletedBefore;
    private final long expiredBefore;
    private final long oversizeBefore;
    private long lastProgressNanos;
    private boolean progressWritten;

    /** Listing entries of the poll's first session. */
    int listed = -1;
    /** Listed messages not processed before: not in the repository, not awaiting deletion, not in flight. */
    int fresh;
    /** Listing entries without a usable UIDL (missing, malformed, or listed for more than one message). */
    int invalidUidl;
    /** Exchanges still running from an earlier poll (asynchronous route). */
    int inFlight;
    /** Left for the next poll because maxMessagesPerPoll was reached. */
    int beyondMax;
    /** Leased or processed by another consumer sharing the repository (claims). */
    int claimedElsewhere;
    /** Messages retrieved and handed to the route. */
    int retrieved;
    /** Octets of the retrieved messages (a streamed message the route did not read to its end counts 0). */
    long retrievedOctets;

    PollReport(MailboxKey mailbox, Pop3RawStatistics stats, long progressIntervalNanos) {
        this.mailbox = mailbox;
        this.stats = stats;
        this.startNanos = System.nanoTime();
        this.lastProgressNanos = startNanos;
        this.progressIntervalNanos = progressIntervalNanos;
        this.failedBefore = stats.messagesFailed.get();
        this.retrievalFailuresBefore = stats.retrievalFailures.get();
        this.deletedBefore = stats.messagesDeleted.get();
        this.expiredBefore = stats.messagesExpired.get();
        this.oversizeBefore = stats.skippedOversize.get();
    }

    long deleted() {
        return stats.messagesDeleted.get() - deletedBefore;
    }

    /** Of {@link #deleted()}: the messages deleteAfter kept long enough. */
    long expired() {
        return stats.messagesExpired.get() - expiredBefore;
    }

    long failed() {
        return stats.messagesFailed.get() - failedBefore + stats.retrievalFailures.get() - retrievalFailuresBefore;
    }

    long oversize() {
        return stats.skippedOversize.get() - oversizeBefore;
    }

    long skipped() {
        return oversize() + invalidUidl + inFlight + beyondMax + claimedElsewhere;
    }

    /** Whether the poll retrieved, deleted or failed anything: only then is the summary line written. */
    boolean somethingHappened() {
        return retrieved > 0 || deleted() > 0 || failed() > 0;
    }

    /** After each routed message: a progress line when the interval has passed since the last one. */
    void routed(Logger log) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < progressIntervalNanos || !log.isInfoEnabled()) {
            return;
        }
        lastProgressNanos = now;
        progressWritten = true;
        log.info("pop3raw: {} poll in progress: listed {}, new {}, retrieved {} ({}) so far in {} s", mailbox,
                Math.max(listed, 0), fresh, retrieved, octets(retrievedOctets),
                String.format(Locale.ROOT, "%.1f", (now - startNanos) / 1e9));
    }

    /** The summary line, at INFO, when something happened (or a progress line was written: the end is announced). */
    void summarize(Logger log, Throwable failure) {
        if (!somethingHappened() && !progressWritten || !log.isInfoEnabled()) {
            return;
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        long expired = expired();
        log.info("pop3raw: {} listed {}, new {}, retrieved {} ({}), deleted {}{}, failed {}, skipped {} in {} ms{}",
                mailbox, Math.max(listed, 0), fresh, retrieved, octets(retrievedOctets), deleted(),
                expired > 0 ? " (expired " + expired + ")" : "", failed(), skipped(), millis,
                failure == null ? "" : "; the poll then failed: " + failure.getMessage());
    }

    /** 1023 B, 1.4 KiB, 12.0 MiB, 3.2 GiB. */
    static String octets(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
