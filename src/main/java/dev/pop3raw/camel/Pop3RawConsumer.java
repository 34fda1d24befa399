package dev.pop3raw.camel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.ScheduledBatchPollingConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.Capabilities;
import dev.pop3raw.client.Listing;
import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.Pop3ClientOptions;

/**
 * One poll is one POP3 session, in stages (see docs/design.adoc): the {@link BackOffGate} ([IN-USE],
 * [LOGIN-DELAY]); the {@link Pop3Session} (connect, log in; it ends in QUIT only through the commit, and is dropped
 * otherwise); the listing and the selection ({@link MessageSelection}: UIDL + LIST, which messages to retrieve, which to
 * delete unread); the delivery ({@link MessageDelivery}: pipelined RETR, each message received by the
 * {@link MessageReceiver} and routed, one message ahead); the commit ({@link DeletionLedger#commit}: DELE what is to be
 * deleted, QUIT).
 * <p>
 * <b>Retrieval and processing are interleaved.</b> Each message is copied from the wire into a stream cache (memory
 * up to the {@link SpoolPolicy}'s bound, then a file of the poll's {@link MessageSpool}) and then processed while the
 * next RETR replies are already on their way. A large mailbox is therefore never cached whole.
 * <p>
 * <b>Outcomes.</b> The outcome of an exchange is taken when it really completes ({@link ExchangeOutcome}); the
 * {@link DeletionLedger} holds what is to be deleted. No command may be sent while RETRs are in flight, so the DELEs
 * of the session are sent after the batch has ended, just before QUIT. An exchange that completes after its session
 * ended (an asynchronous route) leaves its UIDL pending; the next session deletes it by UIDL. A failed DELE or QUIT is
 * reported through the consumer's exception handler and the deletion is retried at the next poll.
 * <p>
 * <b>A message bigger than listed.</b> maxMessageSize also bounds the octets really received. A message that exceeds
 * it on the wire (its LIST size was short, unknown, or a lie) stops the retrieval, and the session is dropped without
 * QUIT rather than read on (its end may never come). The message is remembered by UIDL ({@link OversizeMessages})
 * and from then on handled per oversizeAction without being retrieved, and the same poll opens a fresh session (at
 * most {@link #MAX_OVERSIZE_RECONNECTS_PER_POLL} per poll) that commits the deletions of the messages routed before it
 * and goes on with those after it. Only oversizeAction decides about such a message: a streamed exchange whose route
 * handled the failed read is not a reason to delete it.
 */
@ManagedResource(description = "Managed POP3 Raw consumer")
public class Pop3RawConsumer extends ScheduledBatchPollingConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    /**
     * At most this many fresh sessions per poll after messages that turned out larger than maxMessageSize on the wire:
     * each is caused by another message (a message found too large is never retrieved again), so a server that
     * understates every size still cannot keep one poll reconnecting; the next poll goes on where this one stopped.
     */
    static final int MAX_OVERSIZE_RECONNECTS_PER_POLL = 3;

    private final Pop3RawEndpoint endpoint;
    private final Pop3RawConfiguration config;
    private final Pop3RawStatistics stats;
    private final MailboxKey mailbox;
    private final BackOffGate gate;
    private final DeletionLedger ledger;
    private final ListingProblemReport listingProblems;
    private final OversizeMessages oversizeMessages = new OversizeMessages();
    /** UIDLs known to be in the idempotent repository: no repository query for them at the next polls. */
    private final ConfirmedKeyCache confirmedKeys;

    private Pop3ClientOptions clientOptions;
    /** How the idempotent repository is used; null without one. */
    private MessageClaims claims;
    /** The scheduled renewal of this consumer's leases (claims=LEASE); null otherwise. */
    private ScheduledFuture<?> leaseRenewal;
    private MessageSelection selection;
    private MessageReceiver receiver;
    private ExchangeOutcome.Recorder outcomes;
    private volatile boolean readyForced;
    /** Removes this consumer's Micrometer meters; a no-op without Micrometer or a MeterRegistry. */
    private AutoCloseable meters;
    /** What the current (or last) poll did, for its summary line; polling thread only. */
    private PollReport report;
    /** How often a long poll writes a progress line (tests shorten it). */
    long progressIntervalNanos = PollReport.DEFAULT_PROGRESS_INTERVAL_NANOS;

    public Pop3RawConsumer(Pop3RawEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.stats = endpoint.statistics();
        this.mailbox = endpoint.mailbox();
        this.gate = new BackOffGate(config, mailbox, stats);
        this.ledger = new DeletionLedger(mailbox, stats);
        this.listingProblems = new ListingProblemReport(mailbox, stats.skippedInvalidUidl);
        this.confirmedKeys = new ConfirmedKeyCache(config.getConfirmedKeyCacheSize(), config.getConfirmedKeyCacheTtl());
    }

    @Override
    public Pop3RawEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        SSLContext sslContext = endpoint.createSslContext();
        clientOptions = endpoint.clientOptions(sslContext);
        SpoolPolicy spoolPolicy = SpoolPolicy.of(getEndpoint().getCamelContext().getStreamCachingStrategy(), config,
                ((Pop3RawComponent) endpoint.getComponent())::ownSpoolDirectory);
        LOG.debug("pop3raw: {} spools messages per {}", mailbox, spoolPolicy);
        IdempotentRepository repo = config.getIdempotentRepository();
        ServiceHelper.startService(repo);
        claims = repo == null
                ? null
                : MessageClaims.create(repo, mailbox, config.getClaims(), config.getClaimTimeout(),
                        System::currentTimeMillis);
        if (claims != null) {
            LOG.debug("pop3raw: {} claims messages in its idempotent repository: {}", mailbox, claims.mode());
            MessageLeases leases = claims.leases();
            if (leases != null) {
                long every = leases.renewalIntervalMillis();
                leaseRenewal = ((Pop3RawComponent) endpoint.getComponent()).leaseRenewalExecutor()
                        .scheduleWithFixedDelay(leases::renewAll, every, every, TimeUnit.MILLISECONDS);
            }
        }
        confirmedKeys.clear(); // a restarted consumer asks the repository again
        KeptMessages kept = keptMessages();
        selection = new MessageSelection(config, mailbox, stats, ledger, oversizeMessages, confirmedKeys,
                listingProblems, claims, this::getExceptionHandler, kept);
        receiver = new MessageReceiver(this, config, spoolPolicy, mailbox,
                MailHeaderMapping.of(config.isMapHeaders(), endpoint.getHeaderFilterStrategy(), mailbox));
        meters = MicrometerMetrics.bind(endpoint.getCamelContext(),
                Map.of("mailbox", mailbox.identity(), "routeId", String.valueOf(getRouteId())), stats.counters(),
                Map.of("InFlightCount", this::getInFlightCount, "PendingDeletionCount", this::getPendingDeletionCount));
        outcomes = new ExchangeOutcome.Recorder(stats, claims, confirmedKeys, ledger, config.isDelete(),
                this::getExceptionHandler, kept);
        super.doStart();
    }

    /** deleteAfter's rule, with a fresh cache of first-processed times; null without deleteAfter. */
    private KeptMessages keptMessages() throws Exception {
        if (config.getDeleteAfter() == null) {
            return null;
        }
        ServiceHelper.startService(config.getDeleteAfterStateRepository());
        FirstProcessedTimes times = FirstProcessedTimes.of(config);
        LOG.debug("pop3raw: {} keeps processed messages for {}; first-processed times in {}", mailbox,
                config.getDeleteAfter(), times.describe());
        return new KeptMessages(DeleteAfter.parse(config.getDeleteAfter()), endpoint.clock(), times, mailbox);
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (meters != null) {
            meters.close();
            meters = null;
        }
        if (leaseRenewal != null) {
            // exchanges still running when the route stops lose their leases' renewal; their keys lapse as a crash's
            leaseRenewal.cancel(false);
            leaseRenewal = null;
        }
    }

    /**
     * Ready (health check UP) only after the first successful login: a poll skipped because of [IN-USE] or
     * [LOGIN-DELAY] completes without error but proves nothing about the credentials.
     */
    @Override
    public boolean isConsumerReady() {
        return readyForced;
    }

    // ---------------------------------------------------------------- one poll

    @Override
    protected int poll() throws Exception {
        Instant now = Instant.now();
        stats.polls.incrementAndGet();
        stats.lastPollTime = now.toEpochMilli();
        if (!gate.admits(now)) {
            return 0;
        }
        report = new PollReport(mailbox, stats, progressIntervalNanos);
        Throwable failure = null;
        try {
            int delivered = sessions();
            stats.lastError = "";
            return delivered;
        } catch (Exception e) {
            failure = e;
            stats.pollFailures.incrementAndGet();
            stats.lastError = String.valueOf(e.getMessage());
            throw e;
        } catch (Error e) {
            failure = e;
            throw pollEndedInError(e);
        } finally {
            receiver.endOfPoll();
            report.summarize(LOG, failure);
        }
    }

    /**
     * An Error (the heap ran out, a class failed to load...) ended the poll; its session is already dropped (nothing
     * deleted) and its spool files are gone. Thrown on, it would reach the scheduler's executor, which cancels the
     * periodic task: the consumer would never poll again while its route still reports Started. So it is turned into
     * the poll's failure instead: Camel's poll strategy logs it, the health check reports DOWN with it until a poll
     * succeeds, backoff counts it, and the next poll starts a fresh session. A JVM that keeps running out of memory
     * thus shows in the health check and the log at every poll rather than in a consumer gone silent.
     */
    private Pop3RawPollErrorException pollEndedInError(Error e) {
        if (e instanceof ThreadDeath) {
            throw e; // the thread is being stopped: let it
        }
        stats.pollFailures.incrementAndGet();
        stats.lastError = e.toString();
        LOG.error("pop3raw: the poll of {} ended in {}; nothing was deleted in its session, and the next poll opens a"
                + " fresh one", mailbox, e.toString(), e);
        return new Pop3RawPollErrorException(mailbox.identity(), e);
    }

    /**
     * One session, and a fresh one after a message that turned out larger than maxMessageSize on the wire: that
     * session was dropped without QUIT (the message's end may never come), so the fresh one commits the deletions of
     * the messages routed before it and goes on with the messages listed after it; the message itself, remembered,
     * is handled per oversizeAction without being retrieved again.
     */
    private int sessions() throws Exception {
        Poll poll = new Poll();
        while (true) {
            try {
                session(poll);
                return poll.routed;
            } catch (Pop3RawOversizeException e) {
                if (!mayReconnect(e, poll)) {
                    return poll.routed; // the next poll commits and goes on; the message is remembered
                }
                poll.reconnects++;
            }
        }
    }

    private boolean mayReconnect(Pop3RawOversizeException e, Poll poll) {
        if (!isRunAllowed()) {
            LOG.debug("pop3raw: stopping; the deletions left by message {} of {} wait for a later poll", e.getUidl(),
                    mailbox);
            return false;
        }
        if (poll.reconnects >= MAX_OVERSIZE_RECONNECTS_PER_POLL) {
            LOG.warn(
                    "pop3raw: {} sent {} messages larger than maxMessageSize {} although it listed them smaller, in one"
                            + " poll; the rest of the mailbox and the deletions of this poll wait for the next poll",
                    mailbox, poll.reconnects + 1, config.getMaxMessageSize());
            return false;
        }
        if (gate.announcesLoginDelay()) {
            LOG.debug("pop3raw: {} announces LOGIN-DELAY: not logging in again in this poll after message {}", mailbox,
                    e.getUidl());
            return false;
        }
        LOG.debug("pop3raw: message {} of {} exceeded maxMessageSize on the wire; a fresh session commits the"
                + " deletions and goes on", e.getUidl(), mailbox);
        return true;
    }

    /** One session, stage by stage: session, listing, selection, delivery, commit. */
    private void session(Poll poll) throws Exception {
        try (Pop3Session session = Pop3Session.open(config, endpoint.accessTokenProvider(), clientOptions, gate)) {
            if (session == null) {
                return; // [IN-USE] or [LOGIN-DELAY]: the gate is closed for the delay
            }
            loggedIn(session.capabilities());
            Listing listing = session.listing();
            Map<String, MessageInfo> listed = selection.listed(listing, listing.skippedLines());
            DeletionLedger.SessionDeletions deletions = ledger.openSession(listed);
            // the summary line counts the listing and selection of the poll's first session
            PollReport counting = report.listed < 0 ? report : null;
            if (counting != null) {
                counting.listed = listing.size();
                counting.invalidUidl = listing.size() - listed.size();
            }
            List<MessageInfo> selected = selection.select(listed, deletions, poll.routed, counting);
            try {
                if (!selected.isEmpty()) {
                    deliver(session, deletions, selected, poll);
                }
            } catch (Exception e) {
                // the session broke: what completed successfully is deleted by UIDL next time, not processed again
                ledger.sessionBroken(deletions);
                throw e;
            }
            ledger.commit(deletions, session, getExceptionHandler());
        } // closing after QUIT is a no-op; otherwise the session is dropped so that nothing is deleted
    }

    private void loggedIn(Capabilities caps) {
        gate.loggedIn(Instant.now(), caps, getDelay());
        stats.serverCapabilities = String.join(", ", caps.lines());
        if (!readyForced) {
            readyForced = true;
            forceConsumerAsReady();
        }
    }

    /** The delivery stage; what was routed is counted in {@code poll}, also when the session breaks. */
    private void deliver(Pop3Session session, DeletionLedger.SessionDeletions deletions, List<MessageInfo> selected,
            Poll poll) throws Exception {
        MessageDelivery delivery = new MessageDelivery(this, receiver, session, deletions, oversizeMessages, stats,
                config, mailbox, selected);
        try {
            delivery.deliver();
        } finally {
            poll.routed += delivery.routed();
        }
    }

    // ---------------------------------------------------------------- routing one exchange

    /**
     * Processes retrieved messages ({@link MessageDelivery.Delivery} items, each with its batch position) in order:
     * claims the message ({@link MessageClaims}: a lease, or nothing when claims are off), registers its
     * {@link ExchangeOutcome}, routes the exchange. Returns how many were routed.
     */
    @Override
    public int processBatch(Queue<Object> deliveries) throws Exception {
        int routed = 0;
        Object next;
        while ((next = deliveries.poll()) != null) {
            MessageDelivery.Delivery d = (MessageDelivery.Delivery) next;
            Exchange exchange = d.exchange;
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, d.index);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, d.size);
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, d.complete);
            pendingExchanges = Math.max(0, d.size - d.index - 1);
            String uidl = d.info.uidl();
            MessageClaims.Claim claim = null;
            if (claims != null) {
                claim = claim(exchange, uidl);
                if (claim == null) {
                    report.claimedElsewhere++;
                    continue;
                }
            }
            ledger.routingStarted(uidl);
            exchange.getExchangeExtension().addOnCompletion(outcomes.outcome(d.deletions, uidl, claim, d.octets));
            route(exchange, uidl);
            routed++;
            report.retrieved++;
            report.retrievedOctets += Math.max(0, d.octets.octets());
            report.routed(LOG);
        }
        return routed;
    }

    /** The message's claim; null when another consumer leases or processed it (the exchange is then discarded). */
    private MessageClaims.Claim claim(Exchange exchange, String uidl) {
        MessageClaims.Claim claim;
        try {
            claim = claims.claim(exchange, uidl);
        } catch (RuntimeException e) {
            discard(exchange); // never routed: its stream cache must not outlive it
            throw e;
        }
        if (claim == null) {
            LOG.debug("pop3raw: message {} of {} is leased or processed by another consumer", uidl, mailbox);
            discard(exchange);
        }
        return claim;
    }

    private void route(Exchange exchange, String uidl) {
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } catch (Error e) {
            abandon(exchange, e);
            throw e; // the poll ends in it (see pollEndedInError)
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("pop3raw: error processing message " + uidl + " of " + mailbox
                    + "; it was not deleted", exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    /**
     * An Error escaped the route: Camel's error handling takes exceptions only, so the exchange's unit of work was cut
     * short (its completion is left queued in the thread's reactive executor, and runs, if ever, when a later exchange
     * is routed on this thread: never, for a message that waits for it). Completed here as failed, so that its
     * {@link ExchangeOutcome} runs (nothing is deleted, a lease is released, the message leaves the in-flight set and
     * is offered again) and it leaves the inflight registry.
     */
    void abandon(Exchange exchange, Error error) {
        exchange.setException(error);
        UnitOfWork uow = exchange.getUnitOfWork();
        if (uow == null) {
            discard(exchange); // the Error came before Camel's unit of work began: nothing of Camel's is queued
            return;
        }
        try {
            uow.done(exchange);
        } catch (RuntimeException e) {
            error.addSuppressed(e);
        }
        // not released to a pooled exchange factory: the queued completion may still run on this exchange later
    }

    /** An exchange that will never be routed: run its completions (the stream cache deletes its temp file). */
    void discard(Exchange exchange) {
        List<Synchronization> completions = exchange.getExchangeExtension().handoverCompletions();
        if (completions != null) { // null when nothing registered one (a message cached in memory)
            for (Synchronization s : completions) {
                try {
                    s.onFailure(exchange);
                } catch (RuntimeException e) {
                    LOG.debug("pop3raw: cleanup of a discarded exchange failed", e);
                }
            }
        }
        releaseExchange(exchange, false);
    }

    // ---------------------------------------------------------------- managed attributes (JMX), read by operators and tests

    @ManagedAttribute(description = "Messages processed successfully whose deletion waits for a later session")
    public int getPendingDeletionCount() {
        return ledger.pendingCount();
    }

    @ManagedAttribute(description = "UIDLs known to be in the idempotent repository (no repository query needed)")
    public int getConfirmedKeyCacheSize() {
        return confirmedKeys.size();
    }

    @ManagedAttribute(description = "Exchanges handed to the route and not yet completed (asynchronous routes)")
    public int getInFlightCount() {
        return ledger.inFlightCount();
    }

    @ManagedAttribute(description = "Listed messages found larger than maxMessageSize on the wire (not retrieved again)")
    public int getOversizeOnWireCount() {
        return oversizeMessages.foundOnWireCount();
    }

    /**
     * One poll's sessions: the first, and at most {@link #MAX_OVERSIZE_RECONNECTS_PER_POLL} fresh ones after messages
     * found larger than maxMessageSize on the wire. Used by the polling thread only.
     */
    private static final class Poll {
        /** Exchanges routed by the sessions of this poll so far (maxMessagesPerPoll counts across them). */
        int routed;
        int reconnects;
    }
}
