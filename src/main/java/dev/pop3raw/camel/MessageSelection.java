package dev.pop3raw.camel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.MessageInfo;

/**
 * The listing and selection stages of a session: which listed messages are tracked at all ({@link #listed}), and for
 * each tracked one whether it is retrieved, marked for deletion unread, or left alone ({@link #select}). One method per
 * rule, applied in the order of {@link #select}; the order matters (see each rule). Polling thread only.
 */
final class MessageSelection {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    private final Pop3RawConfiguration config;
    private final MailboxKey mailbox;
    private final Pop3RawStatistics stats;
    private final DeletionLedger ledger;
    private final OversizeMessages oversizeMessages;
    private final ConfirmedKeyCache confirmedKeys;
    private final ListingProblemReport listingProblems;
    /** Null without an idempotent repository. */
    private final MessageClaims claims;
    private final Supplier<ExceptionHandler> exceptionHandler;
    /** deleteAfter; null without it. */
    private final KeptMessages keptMessages;
    /** initialBacklog=skip: whether this start of the consumer already found or wrote the mailbox's marker. */
    private boolean backlogChecked;

    MessageSelection(Pop3RawConfiguration config, MailboxKey mailbox, Pop3RawStatistics stats, DeletionLedger ledger,
            OversizeMessages oversizeMessages, ConfirmedKeyCache confirmedKeys,
            ListingProblemReport listingProblems, MessageClaims claims,
            Supplier<ExceptionHandler> exceptionHandler) {
        this(config, mailbox, stats, ledger, oversizeMessages, confirmedKeys, listingProblems, claims,
                exceptionHandler, null);
    }

    /** @param keptMessages deleteAfter's rule; null without deleteAfter */
    MessageSelection(Pop3RawConfiguration config, MailboxKey mailbox, Pop3RawStatistics stats, DeletionLedger ledger,
            OversizeMessages oversizeMessages, ConfirmedKeyCache confirmedKeys,
            ListingProblemReport listingProblems, MessageClaims claims,
            Supplier<ExceptionHandler> exceptionHandler, KeptMessages keptMessages) {
        this.keptMessages = keptMessages;
        this.config = config;
        this.mailbox = mailbox;
        this.stats = stats;
        this.ledger = ledger;
        this.oversizeMessages = oversizeMessages;
        this.confirmedKeys = confirmedKeys;
        this.listingProblems = listingProblems;
        this.claims = claims;
        this.exceptionHandler = exceptionHandler;
    }

    /**
     * The listing stage: the messages that can be tracked, by UIDL, in listing order. A malformed listing line affects
     * only its message: without a valid UIDL it is skipped (never retrieved, never deleted); with one, it is handled
     * even when its size is unknown (-1). What is skipped is reported (once per entry), and whatever the consumer
     * remembers of messages no longer listed is forgotten.
     *
     * @param skippedLines the listing lines that no message could be attributed to
     */
    Map<String, MessageInfo> listed(List<MessageInfo> listing, List<String> skippedLines) {
        Map<String, MessageInfo> byUidl = new LinkedHashMap<>();
        Set<String> duplicated = new HashSet<>();
        for (MessageInfo m : listing) {
            if (m.hasValidUidl() && byUidl.putIfAbsent(m.uidl(), m) != null) {
                duplicated.add(m.uidl());
            }
        }
        // a UIDL listed twice cannot say which message it names: none of them is processed or deleted
        byUidl.keySet().removeAll(duplicated);
        listingProblems.report(listing, skippedLines, byUidl);
        ledger.retainListed(byUidl.keySet());
        confirmedKeys.retainListed(byUidl.keySet());
        oversizeMessages.retainListed(byUidl.keySet());
        if (keptMessages != null) {
            keptMessages.retainListed(byUidl.keySet());
        }
        return byUidl;
    }

    /**
     * The selection stage: the messages to retrieve, in listing order. Those to delete unread are marked in
     * {@code deletions}.
     *
     * @param routedBefore exchanges routed by earlier sessions of this poll (maxMessagesPerPoll counts across them)
     */
    List<MessageInfo> select(
            Map<String, MessageInfo> listed, DeletionLedger.SessionDeletions deletions, int routedBefore) {
        return select(listed, deletions, routedBefore, null);
    }

    /**
     * As {@link #select(Map, DeletionLedger.SessionDeletions, int)}, counting into {@code report} (when not null)
     * the messages in flight, new (not processed before) and left beyond maxMessagesPerPoll.
     */
    List<MessageInfo> select(Map<String, MessageInfo> listed, DeletionLedger.SessionDeletions deletions,
            int routedBefore, PollReport report) {
        initialBacklog(listed);
        List<MessageInfo> selected = new ArrayList<>();
        List<MessageInfo> kept = new ArrayList<>();
        for (MessageInfo m : listed.values()) {
            if (inFlight(m)) {
                if (report != null) {
                    report.inFlight++;
                }
                continue;
            }
            boolean onWire = oversizeFoundOnWire(m, deletions);
            if (!onWire && (pendingDeletion(m, deletions) || knownProcessed(m, deletions, kept))) {
                continue;
            }
            if (report != null) {
                report.fresh++;
            }
            if (onWire || oversizeByListedSize(m, deletions)) {
                continue;
            }
            if (beyondMaxMessagesPerPoll(routedBefore + selected.size())) {
                if (report != null) {
                    report.beyondMax++;
                }
                continue;
            }
            selected.add(m);
        }
        keptLongEnough(kept, deletions);
        return selected;
    }

    /**
     * initialBacklog=skip, once per start of the consumer, before the per-message rules: when the repository has no
     * marker for this mailbox yet, every listed message that this consumer is not routing or deleting is recorded as
     * seen without being retrieved ({@link MessageClaims#skipBacklog}: its backlog key, then its processed key), and
     * then the marker is added; a failure before the marker repeats the skip at the next poll (adding keys twice is
     * harmless). The skipped messages enter the confirmed-key cache as backlog, so the rules below find them known
     * ({@link #knownProcessed}) without asking the repository, and never mark them for deletion. Only keys are added:
     * no lease is taken, so a message another consumer is routing right now is recorded as processed all the same.
     *
     * @return how many messages were recorded now (0 when the marker was there or the option is process)
     */
    int initialBacklog(Map<String, MessageInfo> listed) {
        if (backlogChecked || claims == null || config.getInitialBacklog() != InitialBacklog.SKIP) {
            return 0;
        }
        if (claims.backlogSkipped()) {
            backlogChecked = true;
            return 0;
        }
        int skipped = 0;
        for (MessageInfo m : listed.values()) {
            if (ledger.isInFlight(m.uidl()) || ledger.isPending(m.uidl())) {
                continue; // this consumer's own work: its rules decide
            }
            claims.skipBacklog(m.uidl());
            confirmedKeys.backlog(m.uidl());
            skipped++;
        }
        claims.backlogDone();
        backlogChecked = true;
        LOG.info("pop3raw: initialBacklog=skip: {} messages of {} recorded as seen without being retrieved; only mail"
                + " that arrives from now on is processed", skipped, mailbox);
        return skipped;
    }

    /**
     * Its exchange is still running (an asynchronous route): left alone. Checked first: a completing exchange records
     * its outcome before it leaves the in-flight set (see {@link DeletionLedger#succeeded}).
     */
    boolean inFlight(MessageInfo m) {
        return ledger.isInFlight(m.uidl());
    }

    /**
     * An earlier session found it larger than maxMessageSize on the wire: handled per oversizeAction, never retrieved.
     * Before the success rules: a streamed exchange whose route handled the failed read counts as a success, but only
     * oversizeAction decides about a message that was never received whole.
     */
    boolean oversizeFoundOnWire(MessageInfo m, DeletionLedger.SessionDeletions deletions) {
        long foundOnWire = oversizeMessages.octetsFoundOnWire(m.uidl());
        if (foundOnWire < 0) {
            return false;
        }
        ledger.forgetPending(m.uidl());
        oversize(m, foundOnWire, deletions);
        return true;
    }

    /** Processed successfully, its deletion not committed: deleted by UIDL now, not routed again. */
    boolean pendingDeletion(MessageInfo m, DeletionLedger.SessionDeletions deletions) {
        if (!ledger.isPending(m.uidl())) {
            return false;
        }
        deletions.mark(m);
        return true;
    }

    /**
     * Its processed key is in the idempotent repository: never retrieved again. With delete, it is deleted: it was
     * processed successfully before, but its deletion was not committed (lost QUIT, restart); with deleteAfter it is
     * kept, added to {@code kept} for {@link #keptLongEnough}. Unless initialBacklog=skip recorded it unread (its
     * backlog key is there): such a message is never deleted.
     */
    boolean knownProcessed(MessageInfo m, DeletionLedger.SessionDeletions deletions, List<MessageInfo> kept) {
        if (claims == null || !inRepository(m.uidl())) {
            return false;
        }
        if (deletesProcessed() && !confirmedKeys.knownBacklog(m.uidl()) && !backlogUncached(m.uidl())) {
            if (keptMessages != null) {
                kept.add(m);
            } else {
                deletions.mark(m);
            }
        }
        return true;
    }

    /**
     * deleteAfter, after the per-message rules: of the processed messages kept on the server, those first processed at
     * least deleteAfter ago are marked for deletion (one batch look-up of the times not known yet, see
     * {@link KeptMessages#expired}). A lost QUIT leaves them pending, and {@link #pendingDeletion} deletes them next.
     */
    void keptLongEnough(List<MessageInfo> kept, DeletionLedger.SessionDeletions deletions) {
        if (keptMessages == null || kept.isEmpty()) {
            return;
        }
        for (MessageInfo m : keptMessages.expired(kept)) {
            ledger.expired(deletions, m);
        }
    }

    /** Whether a processed message may be deleted at all: delete=true, or deleteAfter once it is old enough. */
    private boolean deletesProcessed() {
        return config.isDelete() || keptMessages != null;
    }

    /**
     * Whether the message's processed key is in the repository, answered from the confirmed-key cache when possible.
     * Only processed keys are ever cached; a claim is another key and never makes a message look processed. With
     * delete or deleteAfter, a message found in the repository is also looked up for its backlog key (see
     * {@link #knownProcessed}), and cached with the answer.
     */
    private boolean inRepository(String uidl) {
        if (confirmedKeys.knownProcessed(uidl)) {
            return true;
        }
        if (claims.isProcessed(uidl)) {
            confirmedKeys.foundPresent(uidl, deletesProcessed() && claims.isBacklog(uidl));
            return true;
        }
        return false;
    }

    /**
     * With the confirmed-key cache disabled (confirmedKeyCacheSize=0), the backlog key is asked from the repository;
     * otherwise the cache answered (an entry just put by {@link #inRepository} carries the answer).
     */
    private boolean backlogUncached(String uidl) {
        return !confirmedKeys.enabled() && claims.isBacklog(uidl);
    }

    /**
     * Listed larger than maxMessageSize: handled per oversizeAction, never retrieved. An unknown size (-1) is
     * retrieved: maxMessageSize then bounds the octets really received.
     */
    boolean oversizeByListedSize(MessageInfo m, DeletionLedger.SessionDeletions deletions) {
        long max = config.getMaxMessageSize();
        if (max <= 0 || m.size() < 0 || m.size() <= max) {
            return false;
        }
        oversize(m, -1, deletions);
        return true;
    }

    /** maxMessagesPerPoll reached, counting what earlier sessions of this poll routed: left for the next poll. */
    boolean beyondMaxMessagesPerPoll(int alreadySelected) {
        int max = config.getMaxMessagesPerPoll();
        return max > 0 && alreadySelected >= max;
    }

    /**
     * A message over maxMessageSize, by its LIST size or, when {@code foundOnWire} is not -1, by the octets an earlier
     * session received of it before stopping: handled per oversizeAction (skip, fail, delete).
     */
    private void oversize(MessageInfo m, long foundOnWire, DeletionLedger.SessionDeletions deletions) {
        stats.skippedOversize.incrementAndGet();
        long octets = foundOnWire >= 0 ? foundOnWire : m.size();
        String size = foundOnWire >= 0
                ? "more than " + foundOnWire + " octets on the wire (listed as " + (m.size() < 0 ? "unknown" : m.size())
                        + ")"
                : m.size() + " octets";
        switch (config.getOversizeAction()) {
            case DELETE -> {
                LOG.warn("pop3raw: deleting message {} of {} unread: {} exceed maxMessageSize {}", m.uidl(),
                        mailbox, size, config.getMaxMessageSize());
                deletions.mark(m);
            }
            case FAIL -> exceptionHandler.get().handleException(
                    "pop3raw: message " + m.uidl() + " of " + mailbox + " not retrieved",
                    new Pop3RawOversizeException(m.uidl(), octets, config.getMaxMessageSize()));
            default -> {
                if (oversizeMessages.firstWarning(m.uidl())) {
                    LOG.warn("pop3raw: skipping message {} of {}: {} exceed maxMessageSize {}", m.uidl(),
                            mailbox, size, config.getMaxMessageSize());
                }
            }
        }
    }
}
