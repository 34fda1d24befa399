package dev.pop3raw.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import dev.pop3raw.client.Capabilities;
import dev.pop3raw.client.Listing;
import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.RetrievalBatch;
import dev.pop3raw.client.RetrievedMessage;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.ScheduledBatchPollingConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll is one POP3 session: connect, log in, UIDL + LIST, select, pipelined RETR, hand each message to the
 * route, DELE what completed successfully, QUIT.
 * <p>
 * <b>Retrieval and processing are interleaved.</b> Each message is copied from the wire into a stream cache (memory
 * up to the {@link SpoolPolicy}'s bound, then a file of the poll's {@link MessageSpool}) and then
 * processed while the next RETR replies are already on their way; the consumer keeps exactly one cached message
 * ahead so that it knows which exchange is the last of the batch ({@code BATCH_COMPLETE}). A large mailbox is
 * therefore never cached whole.
 * {@code BATCH_SIZE} is the number of exchanges the poll will deliver as far as known when the exchange is sent: it
 * shrinks only when the server refuses a RETR, and the last exchange always carries the exact count.
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
public class Pop3RawConsumer extends ScheduledBatchPollingConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    private static final int COPY_BUFFER_SIZE = 64 * 1024;

    /**
     * At most this many fresh sessions per poll after messages that turned out larger than maxMessageSize on the wire:
     * each is caused by another message (a message found too large is never retrieved again), so a server that
     * understates every size still cannot keep one poll reconnecting; the next poll goes on where this one stopped.
     */
    static final int MAX_OVERSIZE_RECONNECTS_PER_POLL = 3;

    private static final HeaderDecoder.Fields HEADER_FIELDS = new HeaderDecoder.Fields(
            Set.of("subject", "from", "to", "cc", "date", "message-id"));

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
    /** When a message leaves the heap and for where; from the context's stream caching and spoolThreshold. */
    private SpoolPolicy spoolPolicy;
    /** How the idempotent repository is used; null without one. */
    private MessageClaims claims;
    /** The scheduled renewal of this consumer's leases (claims=LEASE); null otherwise. */
    private ScheduledFuture<?> leaseRenewal;
    private ExchangeOutcome.Recorder outcomes;
    private byte[] copyBuffer;
    /** The header block of the message being received (the polling thread's, like the copy buffer). */
    private final HeaderDecoder.Collector headerCollector = new HeaderDecoder.Collector();
    private volatile boolean readyForced;

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
        spoolPolicy = SpoolPolicy.of(getEndpoint().getCamelContext().getStreamCachingStrategy(), config,
                ((Pop3RawComponent) endpoint.getComponent())::ownSpoolDirectory);
        LOG.debug("pop3raw: {} spools messages per {}", mailbox, spoolPolicy);
        IdempotentRepository repo = config.getIdempotentRepository();
        ServiceHelper.startService(repo);
        claims = repo == null ? null
                : MessageClaims.create(repo, mailbox, config.getClaims(), config.getClaimTimeout(), System::currentTimeMillis);
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
        outcomes = new ExchangeOutcome.Recorder(stats, claims, confirmedKeys, ledger, config.isDelete(),
                this::getExceptionHandler);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
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
        try {
            int delivered = sessions();
            stats.lastError = "";
            return delivered;
        } catch (Exception e) {
            stats.pollFailures.incrementAndGet();
            stats.lastError = String.valueOf(e.getMessage());
            throw e;
        } catch (Error e) {
            throw pollEndedInError(e);
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
            LOG.warn("pop3raw: {} sent {} messages larger than maxMessageSize {} although it listed them smaller, in one"
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

    /** One session: connect, log in, then the transaction. */
    private void session(Poll poll) throws Exception {
        try (Pop3Session session = Pop3Session.open(config, clientOptions, gate)) {
            if (session == null) {
                return; // [IN-USE] or [LOGIN-DELAY]: the gate is closed for the delay
            }
            loggedIn(session.capabilities());
            transaction(session, poll);
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

    private void transaction(Pop3Session client, Poll poll) throws Exception {
        // a malformed listing line affects only its message: without a valid UIDL it is skipped (never retrieved,
        // never deleted); with one, it is handled even when its size is unknown (-1)
        Listing listing = client.listing();
        Map<String, MessageInfo> byUidl = new LinkedHashMap<>();
        Set<String> duplicated = new HashSet<>();
        for (MessageInfo m : listing) {
            if (m.hasValidUidl() && byUidl.putIfAbsent(m.uidl(), m) != null) {
                duplicated.add(m.uidl());
            }
        }
        // a UIDL listed twice cannot say which message it names: none of them is processed or deleted
        byUidl.keySet().removeAll(duplicated);
        listingProblems.report(listing, listing.skippedLines(), byUidl);
        ledger.retainListed(byUidl.keySet());
        confirmedKeys.retainListed(byUidl.keySet());
        oversizeMessages.retainListed(byUidl.keySet());

        DeletionLedger.SessionDeletions deletions = ledger.openSession(byUidl);
        List<MessageInfo> selected = new ArrayList<>();
        int max = config.getMaxMessagesPerPoll();
        for (MessageInfo m : byUidl.values()) {
            String uidl = m.uidl();
            // in-flight first: a completing exchange records its outcome before it leaves the in-flight set
            if (ledger.isInFlight(uidl)) {
                continue;
            }
            long foundOnWire = oversizeMessages.octetsFoundOnWire(uidl);
            if (foundOnWire >= 0) {
                // before the success rules: a streamed exchange whose route handled the failed read counts as a
                // success, but only oversizeAction decides about a message that was never received whole
                ledger.forgetPending(uidl);
                oversize(m, foundOnWire, deletions);
                continue;
            }
            if (ledger.isPending(uidl)) {
                deletions.mark(m);
                continue;
            }
            if (claims != null && knownProcessed(uidl)) {
                if (config.isDelete()) {
                    // processed successfully before, but its deletion was not committed (lost QUIT, restart)
                    deletions.mark(m);
                }
                continue; // never retrieved again
            }
            // an unknown size (-1) is retrieved: maxMessageSize then bounds the octets really received
            if (config.getMaxMessageSize() > 0 && m.size() >= 0 && m.size() > config.getMaxMessageSize()) {
                oversize(m, -1, deletions);
                continue;
            }
            // counting what earlier sessions of this poll routed (see sessions())
            if (max > 0 && poll.routed + selected.size() >= max) {
                continue;
            }
            selected.add(m);
        }

        try {
            if (!selected.isEmpty()) {
                retrieveAndProcess(client, selected, deletions, poll);
            }
        } catch (Exception e) {
            // the session broke: what completed successfully is deleted by UIDL next time, not processed again
            ledger.sessionBroken(deletions);
            throw e;
        }
        ledger.commit(deletions, client, getExceptionHandler());
    }

    /**
     * Whether the message's processed key is in the repository, answered from the confirmed-key cache when possible.
     * Only processed keys are ever cached; a claim is another key and never makes a message look processed.
     */
    private boolean knownProcessed(String uidl) {
        if (confirmedKeys.knownProcessed(uidl)) {
            return true;
        }
        if (claims.isProcessed(uidl)) {
            confirmedKeys.foundPresent(uidl);
            return true;
        }
        return false;
    }

    /**
     * A message over maxMessageSize, by its LIST size or, when {@code foundOnWire} is not -1, by the octets an earlier
     * session received of it before stopping: handled per oversizeAction, never retrieved.
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
            case FAIL -> getExceptionHandler().handleException(
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

    /**
     * RETR the selected messages (pipelined) and process each as it arrives, one cached message ahead; what was routed
     * is counted in {@code poll}, also when the session breaks.
     */
    private void retrieveAndProcess(Pop3Session client, List<MessageInfo> selected,
            DeletionLedger.SessionDeletions session, Poll poll)
            throws Exception {
        Map<Integer, MessageInfo> byNumber = new HashMap<>();
        List<Integer> numbers = new ArrayList<>(selected.size());
        for (MessageInfo m : selected) {
            byNumber.put(m.number(), m);
            numbers.add(m.number());
        }
        int planned = selected.size();
        int refused = 0;
        int index = 0;
        Delivery held = null;
        RetrievalBatch batch = client.retrieve(numbers);
        // the spool files of this poll: written over message after message, deleted when the batch is done
        MessageSpool spool = new MessageSpool();
        try {
            while (batch.hasNext() && isBatchAllowed()) {
                RetrievedMessage retrieved = batch.next();
                MessageInfo info = byNumber.get(retrieved.number());
                if (!retrieved.retrieved()) {
                    refused++;
                    stats.retrievalFailures.incrementAndGet();
                    getExceptionHandler().handleException("pop3raw: the server did not send message " + info.uidl()
                                                          + " of " + mailbox + "; the other messages go on",
                            retrieved.error());
                    continue;
                }
                Exchange exchange;
                try {
                    exchange = toExchange(info, retrieved.body(), spool);
                } catch (Pop3RawOversizeException e) {
                    // more data than maxMessageSize, whatever LIST said: its end may never come, so the session is
                    // dropped (nothing is deleted without QUIT) rather than drained
                    client.drop();
                    foundOversizeOnWire(info, e.getOctets());
                    throw e;
                }
                if (held != null) {
                    Delivery previous = held;
                    held = null; // routed once, whatever happens
                    previous.seal(index++, planned - refused, false);
                    try {
                        processBatch(new ArrayDeque<>(List.of(previous)));
                    } catch (Exception | Error e) {
                        // the poll ends (the idempotent repository failed): the message just received is never
                        // routed, and its stream cache (a spool file) must go now, not when the context stops
                        discard(exchange);
                        throw e;
                    }
                }
                if (exchange.getIn().getBody() instanceof StreamedMessageBody streamed) {
                    // routed now, while it arrives: the next message cannot be read before this one is finished
                    Delivery delivery = new Delivery(exchange, info, session,
                            new ExchangeOutcome.ConsumedOctets(stats.bytesConsumed));
                    delivery.seal(index++, planned - refused, !batch.hasNext());
                    routeStreamed(client, delivery, streamed);
                } else {
                    held = new Delivery(exchange, info, session, new ExchangeOutcome.ConsumedOctets(stats.bytesConsumed,
                            exchange.getIn().getHeader(Pop3RawConstants.SIZE, Long.class)));
                }
            }
        } catch (Exception | Error e) {
            // the poll fails and its session is dropped (no QUIT: nothing is deleted). Not drained: the replies
            // still in flight could be large, or, from a hostile server, endless
            client.drop();
            throw e;
        } finally {
            try {
                if (held != null) {
                    // also when the session broke: this message is whole in the cache and can be processed
                    held.seal(index, index + 1, true);
                    index++;
                    processBatch(new ArrayDeque<>(List.of(held)));
                }
            } finally {
                spool.close();
                poll.routed += index;
            }
        }
        // stopping, the batch can end with replies in flight: read them (so that this session can still commit its
        // deletions), but none beyond maxMessageSize
        if (!batch.close(config.getMaxMessageSize())) {
            LOG.warn("pop3raw: a message still in flight from {} has more than maxMessageSize {} octets; the session"
                     + " was dropped without QUIT, and its deletions are retried at the next poll", mailbox,
                    config.getMaxMessageSize());
        }
    }

    /**
     * Routes a streamed message and then finishes it: whatever the route left unread is read from the wire (into the
     * cache while the exchange is still in flight, else discarded) so that the session stays in step. A failure to read
     * the message, by the route or now, means the session is broken: it ends the poll as a broken session always does.
     */
    private void routeStreamed(Pop3Session client, Delivery delivery, StreamedMessageBody body) throws Exception {
        try {
            processBatch(new ArrayDeque<>(List.of(delivery)));
        } catch (Exception e) {
            // the poll ends (the exchange was never routed): the rest of the message is not read, the session dropped
            client.drop();
            try {
                finishStreamed(client, delivery, body);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        finishStreamed(client, delivery, body);
    }

    private void finishStreamed(Pop3Session client, Delivery delivery, StreamedMessageBody body) throws Exception {
        try {
            body.finish();
        } catch (Pop3RawOversizeException e) {
            client.drop(); // as in toExchange: dropped, not drained, nothing deleted
            foundOversizeOnWire(delivery.info, body.receivedOctets());
            throw e;
        } finally {
            delivery.octets.known(body.receivedOctets());
        }
    }

    /**
     * Remembers a message whose data exceeded maxMessageSize although LIST said less (or did not know): from the next
     * selection on it is handled per oversizeAction and never retrieved again. Said once, by {@link #oversize}.
     */
    private void foundOversizeOnWire(MessageInfo info, long octets) {
        oversizeMessages.foundOnWire(info.uidl(), octets);
        LOG.debug("pop3raw: message {} of {} sent more than {} octets, listed as {}; retrieval stopped", info.uidl(),
                mailbox, octets, info.size());
    }

    /**
     * Copies the message from the wire into a stream cache and builds its exchange. A message that ends within the
     * copy buffer and that the {@link SpoolPolicy} keeps in the heap is cached as a byte array of its exact size
     * ({@link InputStreamCache}, the type a {@link CachedOutputStream} returns for in-memory data) without a {@link
     * CachedOutputStream}: no growing buffer, no temp-file manager and no completion callback per exchange. Longer
     * messages are received whole before they are routed: in the heap up to the policy's bound, then into a file of
     * the poll's {@link MessageSpool} ({@link MessageSpool#output}), whether or not the context's stream caching
     * spools; only an encrypted spool goes through a {@link CachedOutputStream}. With {@code streamDownload} the
     * exchange gets a {@link StreamedMessageBody} instead, which goes on reading the wire while the route reads it,
     * and no {@code SIZE} header (the size is not known yet).
     */
    private Exchange toExchange(MessageInfo info, InputStream body, MessageSpool spool)
            throws IOException, Pop3RawOversizeException {
        long limit = config.getMaxMessageSize();
        Exchange exchange = createExchange(false);
        exchange.setExchangeId(info.uidl());
        CachedOutputStream cache = null;
        StreamCache streamCache;
        long octets = 0;
        // the header block is collected while the message is copied: the cache is not read a second time
        HeaderDecoder.Collector headers = headerCollector;
        headers.reset();
        byte[] buffer = copyBuffer();
        // read to its end below, so nothing is left to close; a message cut short (an error, or more than
        // maxMessageSize) must not be drained here: the batch or the dropped session takes care of the rest
        InputStream in = body;
        try {
            int filled = 0;
            boolean ended = false;
            while (filled < buffer.length) {
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    ended = true;
                    break;
                }
                if (!headers.complete()) {
                    headers.feed(buffer, filled, n);
                }
                filled += n;
                requireWithin(limit, info, filled);
            }
            octets = filled;
            if (ended && !spoolPolicy.spools(filled)) {
                streamCache = new InputStreamCache(Arrays.copyOf(buffer, filled));
            } else if (!ended && config.isStreamDownload()) {
                // the rest is read by the route (or by finishStreamed); the copy buffer is reused, so the head is copied
                streamCache = StreamedMessageBody.attach(exchange, info.uidl(), limit, Arrays.copyOf(buffer, filled), in,
                        spoolPolicy.encrypted() ? StreamedMessageCache.camel(exchange)
                                : StreamedMessageCache.spooled(spool, exchange, spoolPolicy));
            } else if (!spoolPolicy.encrypted()) {
                // in memory up to the spool threshold, then in a file of the poll, written over by later messages
                MessageSpool.Output output = spool.output(exchange, spoolPolicy, info.size());
                output.write(buffer, 0, filled);
                octets = copyRest(info, in, buffer, headers, octets, output);
                streamCache = output.toStreamCache();
            } else {
                cache = new CachedOutputStream(exchange);
                cache.write(buffer, 0, filled);
                octets = copyRest(info, in, buffer, headers, octets, cache);
                streamCache = cache.newStreamCache();
            }
        } catch (IOException | RuntimeException | Pop3RawOversizeException | Error e) {
            // an Error too (the heap ran out): the poll ends, and the spool file must not wait for the context's stop
            IOHelper.close(cache);
            discard(exchange);
            throw e;
        }
        IOHelper.close(cache);
        Message message = exchange.getIn();
        message.setBody(streamCache);
        message.setHeader(Pop3RawConstants.UIDL, info.uidl());
        message.setHeader(Pop3RawConstants.MESSAGE_NUMBER, info.number());
        if (!(streamCache instanceof StreamedMessageBody)) {
            message.setHeader(Pop3RawConstants.SIZE, octets);
        }
        if (info.size() >= 0) { // not set when the listing gave no usable size
            message.setHeader(Pop3RawConstants.LISTED_SIZE, info.size());
        }
        message.setHeader(Pop3RawConstants.MAILBOX, mailbox.identity());
        Map<String, String> fields = headers.fields(HEADER_FIELDS);
        setIfPresent(message, Pop3RawConstants.SUBJECT, fields.get("subject"));
        setIfPresent(message, Pop3RawConstants.FROM, fields.get("from"));
        setIfPresent(message, Pop3RawConstants.TO, fields.get("to"));
        setIfPresent(message, Pop3RawConstants.CC, fields.get("cc"));
        setIfPresent(message, Pop3RawConstants.DATE, fields.get("date"));
        setIfPresent(message, Pop3RawConstants.MESSAGE_ID, fields.get("message-id"));
        return exchange;
    }

    /** maxMessageSize also bounds what the server really sends: a LIST size can be wrong, or a lie. */
    private static void requireWithin(long limit, MessageInfo info, long octets) throws Pop3RawOversizeException {
        if (limit > 0 && octets > limit) {
            throw new Pop3RawOversizeException(info.uidl(), octets, limit);
        }
    }

    /**
     * Copies the rest of a message into {@code out} through {@code buffer}, collecting the header block on the way and
     * keeping within maxMessageSize; returns the message's octets, {@code octets} of which were read before.
     */
    private long copyRest(
            MessageInfo info, InputStream in, byte[] buffer, HeaderDecoder.Collector headers, long octets,
            OutputStream out)
            throws IOException, Pop3RawOversizeException {
        long limit = config.getMaxMessageSize();
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            if (!headers.complete()) {
                headers.feed(buffer, 0, n);
            }
            octets += n;
            requireWithin(limit, info, octets);
            out.write(buffer, 0, n);
        }
        return octets;
    }

    /** The copy buffer of the polling thread (one poll at a time per consumer; exchanges never see it). */
    private byte[] copyBuffer() {
        byte[] b = copyBuffer;
        if (b == null) {
            b = new byte[COPY_BUFFER_SIZE];
            copyBuffer = b;
        }
        return b;
    }

    private static void setIfPresent(Message message, String name, String value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }

    /** An exchange that will never be routed: run its completions (the stream cache deletes its temp file). */
    private void discard(Exchange exchange) {
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

    /**
     * Processes retrieved messages ({@link Delivery} items, each with its batch position) in order: claims the
     * message ({@link MessageClaims}: a lease, or nothing when claims are off), registers the commit, routes the
     * exchange. Returns how many were routed.
     */
    @Override
    public int processBatch(Queue<Object> deliveries) throws Exception {
        int routed = 0;
        Object next;
        while ((next = deliveries.poll()) != null) {
            Delivery d = (Delivery) next;
            Exchange exchange = d.exchange;
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, d.index);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, d.size);
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, d.complete);
            pendingExchanges = Math.max(0, d.size - d.index - 1);
            String uidl = d.info.uidl();
            MessageClaims.Claim claim = null;
            if (claims != null) {
                try {
                    claim = claims.claim(exchange, uidl);
                } catch (RuntimeException e) {
                    discard(exchange); // never routed: its stream cache must not outlive it
                    throw e;
                }
                if (claim == null) {
                    LOG.debug("pop3raw: message {} of {} is leased or processed by another consumer", uidl, mailbox);
                    discard(exchange);
                    continue;
                }
            }
            ledger.routingStarted(uidl);
            exchange.getExchangeExtension().addOnCompletion(outcomes.outcome(d.session, uidl, claim, d.octets));
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
            routed++;
        }
        return routed;
    }

    /**
     * An Error escaped the route: Camel's error handling takes exceptions only, so the exchange's unit of work was cut
     * short (its completion is left queued in the thread's reactive executor, and runs, if ever, when a later exchange
     * is routed on this thread: never, for a message that waits for it). Completed here as failed, so that its commit
     * runs (nothing is deleted, a lease is released, the message leaves the in-flight set and is offered again) and it
     * leaves the inflight registry.
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

    // ---------------------------------------------------------------- JMX-ish accessors for tests and operations

    /** How many successfully processed messages wait for their deletion in a later session. */
    public int getPendingDeletionCount() {
        return ledger.pendingCount();
    }

    /** How many UIDLs the confirmed-key cache holds (known to the idempotent repository, no query needed). */
    public int getConfirmedKeyCacheSize() {
        return confirmedKeys.size();
    }

    /** How many exchanges are still running (asynchronous routes). */
    public int getInFlightCount() {
        return ledger.inFlightCount();
    }

    /** How many listed messages turned out larger than maxMessageSize on the wire (never retrieved again). */
    public int getOversizeOnWireCount() {
        return oversizeMessages.foundOnWireCount();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * One poll's sessions: the first, and at most {@link #MAX_OVERSIZE_RECONNECTS_PER_POLL} fresh ones after messages
     * found larger than maxMessageSize on the wire. Used by the polling thread only.
     */
    private static final class Poll {
        /** Exchanges routed by the sessions of this poll so far (maxMessagesPerPoll counts across them). */
        int routed;
        int reconnects;
    }

    /** A retrieved message waiting to be routed, with its position in the batch. */
    private static final class Delivery {
        final Exchange exchange;
        final MessageInfo info;
        final DeletionLedger.SessionDeletions session;
        final ExchangeOutcome.ConsumedOctets octets;
        int index;
        int size;
        boolean complete;

        Delivery(Exchange exchange, MessageInfo info, DeletionLedger.SessionDeletions session,
                 ExchangeOutcome.ConsumedOctets octets) {
            this.exchange = exchange;
            this.info = info;
            this.session = session;
            this.octets = octets;
        }

        void seal(int index, int size, boolean complete) {
            this.index = index;
            this.size = size;
            this.complete = complete;
        }
    }
}
