package dev.pop3raw.camel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.MessageInfo;

/**
 * deleteAfter: a message the route handled successfully stays on the server and is deleted at the first poll at which
 * it is {@code deleteAfter} old. <b>Old</b> is counted from the time it was first processed: when its processed key
 * was recorded ({@link #processed}), kept with that key in a {@link FirstProcessedTimes} store, never from its Date or
 * Received headers. A kept message whose time is missing gets the present as its time, recorded: never deleted early.
 * <p>
 * <b>Cost.</b> A time never changes once recorded, so the times found are cached by UIDL (only for UIDLs the server
 * still lists, {@link #retainListed}): the store is asked once per kept message per start of the consumer, in one
 * batch per poll ({@link #expired}), and an idle poll of a mailbox of kept messages asks it nothing.
 * <p>
 * Thread-safe: {@link #processed} runs when an exchange completes, on any thread.
 */
final class KeptMessages {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    private final Duration deleteAfter;
    private final Clock clock;
    private final FirstProcessedTimes times;
    private final MailboxKey mailbox;
    /** UIDL to the time it was first processed, as found in or written to the store. */
    private final Map<String, Instant> known = new ConcurrentHashMap<>();

    KeptMessages(Duration deleteAfter, Clock clock, FirstProcessedTimes times, MailboxKey mailbox) {
        this.deleteAfter = deleteAfter;
        this.clock = clock;
        this.times = times;
        this.mailbox = mailbox;
    }

    /** The message's exchange succeeded and its processed key was added: now is its first-processed time. */
    void processed(String uidl) {
        Instant now = clock.instant();
        times.processed(mailbox.keyOf(uidl), now);
        known.put(uidl, now);
    }

    /**
     * Of {@code kept} (processed messages still on the server), those first processed at least deleteAfter ago, in
     * the given order. The times not cached yet are asked from the store in one batch; those it lacks are recorded
     * as the present.
     */
    List<MessageInfo> expired(List<MessageInfo> kept) {
        Instant now = clock.instant();
        lookUp(kept, now);
        Instant cutoff = now.minus(deleteAfter);
        List<MessageInfo> expired = new ArrayList<>();
        for (MessageInfo m : kept) {
            Instant first = known.get(m.uidl());
            if (first != null && !first.isAfter(cutoff)) {
                expired.add(m);
            }
        }
        return expired;
    }

    private void lookUp(List<MessageInfo> kept, Instant now) {
        List<String> keys = new ArrayList<>();
        for (MessageInfo m : kept) {
            if (!known.containsKey(m.uidl())) {
                keys.add(mailbox.keyOf(m.uidl()));
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        Map<String, Instant> found = times.find(keys);
        int missing = 0;
        for (MessageInfo m : kept) {
            String key = mailbox.keyOf(m.uidl());
            Instant first = found.get(key);
            if (first == null && !known.containsKey(m.uidl())) {
                times.missing(key, now);
                first = now;
                missing++;
            }
            if (first != null) {
                known.put(m.uidl(), first);
            }
        }
        if (missing > 0) {
            LOG.info("pop3raw: {} kept messages of {} had no first-processed time in {} (processed before deleteAfter"
                    + " was set, or the entry was lost); recorded now, they are deleted {} from now", missing, mailbox,
                    times.describe(), deleteAfter);
        }
    }

    /** Forgets the UIDLs the server no longer lists (deleted messages never come back under the same UIDL). */
    void retainListed(Set<String> listed) {
        known.keySet().retainAll(listed);
    }

    /** How many first-processed times are cached. */
    int cachedCount() {
        return known.size();
    }
}
