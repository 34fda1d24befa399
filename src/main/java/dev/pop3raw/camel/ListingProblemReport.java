package dev.pop3raw.camel;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.MessageInfo;

/**
 * Tells the operator, once per listing entry rather than once per poll, what the server's listing says is wrong: entries
 * skipped because they have no usable UIDL (missing, malformed, or listed for more than one message), entries retrieved
 * although their size is unknown, and listing lines that could not be attributed to any message.
 * <p>
 * An entry is recognised from poll to poll by what is listed for it (its problem, UIDL text and size), not by its
 * message number, which changes as messages are deleted. Only the entries of the last listing are remembered, so
 * memory stays bounded and an entry that comes back after it vanished is reported again. Skipped entries are counted
 * in {@code SkippedInvalidUidl} when first reported.
 */
final class ListingProblemReport {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);
    /** Per poll, so that a maildrop of 10,000 broken entries does not flood the log: the rest go to DEBUG. */
    private static final int MAX_WARNINGS_PER_POLL = 20;

    private final MailboxKey mailbox;
    private final AtomicLong skippedCounter;
    private Set<String> reported = Set.of();

    ListingProblemReport(MailboxKey mailbox, AtomicLong skippedCounter) {
        this.mailbox = mailbox;
        this.skippedCounter = skippedCounter;
    }

    /**
     * Reports what is new in this listing.
     *
     * @param listing      every entry as the client returned it
     * @param skippedLines the listing lines that no message could be attributed to
     * @param tracked      the entries that will be handled, by UIDL; the others are skipped
     */
    synchronized void report(List<MessageInfo> listing, List<String> skippedLines, Map<String, MessageInfo> tracked) {
        if (reported.isEmpty() && skippedLines.isEmpty() && tracked.size() == listing.size()
                && listing.stream().noneMatch(MessageInfo::hasProblem)) {
            return; // the usual poll: nothing to report, nothing to forget
        }
        Map<String, Integer> occurrences = new HashMap<>();
        Set<String> listed = new HashSet<>();
        Warnings warnings = new Warnings();
        int newWithoutUidl = 0;
        for (MessageInfo m : listing) {
            boolean skipped = m.uidl() == null || tracked.get(m.uidl()) != m;
            if (!skipped && !m.hasProblem()) {
                continue;
            }
            String key = occurrence(keyOf(m), occurrences);
            listed.add(key);
            if (reported.contains(key)) {
                continue;
            }
            if (skipped) {
                skippedCounter.incrementAndGet();
            }
            if (m.uidl() == null && !m.hasProblem()) {
                newWithoutUidl++; // the server does not implement UIDL: one summary line below, not one per message
            } else {
                warnings.add(describe(m, skipped));
            }
        }
        for (String line : skippedLines) {
            String key = occurrence("line\u0000" + line, occurrences);
            listed.add(key);
            if (!reported.contains(key)) {
                warnings.add("pop3raw: " + mailbox + " listed a line that names no message, ignored: " + line);
            }
        }
        if (newWithoutUidl > 0) {
            LOG.warn("pop3raw: {} lists {} messages without a UIDL; they are skipped (pop3raw needs UIDL to track"
                    + " messages; does the server implement UIDL?)", mailbox, newWithoutUidl);
        }
        warnings.summarize();
        reported = listed;
    }

    /** At most MAX_WARNINGS_PER_POLL warnings; the rest at DEBUG, and a line that says so. */
    private final class Warnings {
        private int warned;
        private int quiet;

        void add(String text) {
            if (warned < MAX_WARNINGS_PER_POLL) {
                warned++;
                LOG.warn(text);
            } else {
                quiet++;
                LOG.debug(text);
            }
        }

        void summarize() {
            if (quiet > 0) {
                LOG.warn("pop3raw: {} more problems in the listing of {} (logged at DEBUG)", quiet, mailbox);
            }
        }
    }

    /**
     * What is listed for an entry, without its message number. Entries of a server without UIDL have nothing else;
     * their numbers are stable, since nothing of theirs is ever deleted.
     */
    private static String keyOf(MessageInfo m) {
        String key = m.problem() + "\u0000" + m.uidl() + "\u0000" + m.size();
        return m.uidl() == null && !m.hasProblem() ? key + "\u0000" + m.number() : key;
    }

    /** The key of the n-th entry listed alike in this listing: two alike entries are two entries. */
    private static String occurrence(String key, Map<String, Integer> occurrences) {
        int n = occurrences.merge(key, 1, Integer::sum);
        return n == 1 ? key : key + "\u0000#" + n;
    }

    private String describe(MessageInfo m, boolean skipped) {
        String what = "pop3raw: message " + m.number() + " of " + mailbox;
        if (!skipped) {
            return what + " (UIDL " + m.uidl() + ") is handled with its size unknown (maxMessageSize applies to the"
                    + " octets received): " + m.problem();
        }
        String why = m.hasProblem() ? m.problem() : "its UIDL " + m.uidl() + " is listed for more than one message";
        return what + " is skipped (neither retrieved nor deleted): " + why;
    }
}
