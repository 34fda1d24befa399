package dev.pop3raw.camel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.RetrievalBatch;
import dev.pop3raw.client.RetrievedMessage;

/**
 * The delivery stage of one session: RETR the selected messages (pipelined) and route each as it arrives, one cached
 * message ahead, so that the consumer knows which exchange is the last of the batch ({@code BATCH_COMPLETE}); a large
 * mailbox is therefore never cached whole. {@code BATCH_SIZE} is the number of exchanges the session will deliver as
 * far as known when the exchange is sent: it shrinks only when the server refuses a RETR, and the last exchange always
 * carries the exact count. One per session, polling thread only.
 * <p>
 * A message found larger than maxMessageSize on the wire is remembered in {@link OversizeMessages} and ends the
 * session with a {@link Pop3RawOversizeException}: it is dropped, not drained (its end may never come).
 */
final class MessageDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    /** A retrieved message waiting to be routed, with its position in the batch. */
    static final class Delivery {
        final Exchange exchange;
        final MessageInfo info;
        final DeletionLedger.SessionDeletions deletions;
        final ExchangeOutcome.ConsumedOctets octets;
        int index;
        int size;
        boolean complete;

        Delivery(Exchange exchange, MessageInfo info, DeletionLedger.SessionDeletions deletions,
                ExchangeOutcome.ConsumedOctets octets) {
            this.exchange = exchange;
            this.info = info;
            this.deletions = deletions;
            this.octets = octets;
        }

        void seal(int index, int size, boolean complete) {
            this.index = index;
            this.size = size;
            this.complete = complete;
        }
    }

    private final Pop3RawConsumer consumer;
    private final MessageReceiver receiver;
    private final Pop3Session session;
    private final DeletionLedger.SessionDeletions deletions;
    private final OversizeMessages oversizeMessages;
    private final Pop3RawStatistics stats;
    private final Pop3RawConfiguration config;
    private final MailboxKey mailbox;
    private final Map<Integer, MessageInfo> byNumber = new HashMap<>();
    private final List<Integer> numbers;
    private final int planned;
    private int refused;
    /** Exchanges routed (or handed to the route and discarded by a claim) so far; the next one's BATCH_INDEX. */
    private int index;
    /** The message received whole and not routed yet: the one-ahead. */
    private Delivery held;

    MessageDelivery(Pop3RawConsumer consumer, MessageReceiver receiver, Pop3Session session,
            DeletionLedger.SessionDeletions deletions, OversizeMessages oversizeMessages,
            Pop3RawStatistics stats, Pop3RawConfiguration config, MailboxKey mailbox,
            List<MessageInfo> selected) {
        this.consumer = consumer;
        this.receiver = receiver;
        this.session = session;
        this.deletions = deletions;
        this.oversizeMessages = oversizeMessages;
        this.stats = stats;
        this.config = config;
        this.mailbox = mailbox;
        this.numbers = new ArrayList<>(selected.size());
        for (MessageInfo m : selected) {
            byNumber.put(m.number(), m);
            numbers.add(m.number());
        }
        this.planned = selected.size();
    }

    /** How many exchanges this session routed, also when it broke. */
    int routed() {
        return index;
    }

    /** Retrieves and routes the selected messages. */
    void deliver() throws Exception {
        RetrievalBatch batch = session.retrieve(numbers);
        // the spool files of this poll: written over message after message, deleted when the batch is done
        MessageSpool spool = new MessageSpool();
        try {
            while (batch.hasNext() && consumer.isBatchAllowed()) {
                receiveNext(batch, spool);
            }
        } catch (Exception | Error e) {
            // the poll fails and its session is dropped (no QUIT: nothing is deleted). Not drained: the replies
            // still in flight could be large, or, from a hostile server, endless
            session.drop();
            throw e;
        } finally {
            try {
                routeHeldAsLast();
            } finally {
                spool.close();
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

    /** Receives the next reply of the batch; routes the message held before it, and a streamed one at once. */
    private void receiveNext(RetrievalBatch batch, MessageSpool spool) throws Exception {
        RetrievedMessage retrieved = batch.next();
        MessageInfo info = byNumber.get(retrieved.number());
        if (!retrieved.retrieved()) {
            refused++;
            stats.retrievalFailures.incrementAndGet();
            consumer.getExceptionHandler().handleException("pop3raw: the server did not send message " + info.uidl()
                    + " of " + mailbox + "; the other messages go on",
                    retrieved.error());
            return;
        }
        Exchange exchange;
        try {
            exchange = receiver.receive(info, retrieved.body(), spool);
        } catch (Pop3RawOversizeException e) {
            // more data than maxMessageSize, whatever LIST said: its end may never come, so the session is
            // dropped (nothing is deleted without QUIT) rather than drained
            session.drop();
            foundOversizeOnWire(info, e.getOctets());
            throw e;
        }
        routeHeld(exchange);
        if (exchange.getIn().getBody() instanceof StreamedMessageBody streamed) {
            // routed now, while it arrives: the next message cannot be read before this one is finished
            Delivery delivery = new Delivery(exchange, info, deletions,
                    new ExchangeOutcome.ConsumedOctets(stats.bytesConsumed));
            delivery.seal(index++, planned - refused, !batch.hasNext());
            routeStreamed(delivery, streamed);
        } else {
            held = new Delivery(exchange, info, deletions, new ExchangeOutcome.ConsumedOctets(stats.bytesConsumed,
                    exchange.getIn().getHeader(Pop3RawConstants.SIZE, Long.class)));
        }
    }

    /** Routes the message held back, now that {@code next} is received: it is not the last of the batch. */
    private void routeHeld(Exchange next) throws Exception {
        if (held == null) {
            return;
        }
        Delivery previous = held;
        held = null; // routed once, whatever happens
        previous.seal(index++, planned - refused, false);
        try {
            route(previous);
        } catch (Exception | Error e) {
            // the poll ends (the idempotent repository failed): the message just received is never
            // routed, and its stream cache (a spool file) must go now, not when the context stops
            consumer.discard(next);
            throw e;
        }
    }

    /** Routes the message held back as the last of the batch; also when the session broke: it is whole in the cache. */
    private void routeHeldAsLast() throws Exception {
        if (held != null) {
            Delivery last = held;
            held = null;
            last.seal(index, index + 1, true);
            index++;
            route(last);
        }
    }

    /**
     * Routes a streamed message and then finishes it: whatever the route left unread is read from the wire (into the
     * cache while the exchange is still in flight, else discarded) so that the session stays in step. A failure to read
     * the message, by the route or now, means the session is broken: it ends the poll as a broken session always does.
     */
    private void routeStreamed(Delivery delivery, StreamedMessageBody body) throws Exception {
        try {
            route(delivery);
        } catch (Exception e) {
            // the poll ends (the exchange was never routed): the rest of the message is not read, the session dropped
            session.drop();
            try {
                finishStreamed(delivery, body);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        finishStreamed(delivery, body);
    }

    private void finishStreamed(Delivery delivery, StreamedMessageBody body) throws Exception {
        try {
            body.finish();
        } catch (Pop3RawOversizeException e) {
            session.drop(); // as in receive: dropped, not drained, nothing deleted
            foundOversizeOnWire(delivery.info, body.receivedOctets());
            throw e;
        } finally {
            delivery.octets.known(body.receivedOctets());
        }
    }

    /** Hands one message to the route: a batch of one ({@link Pop3RawConsumer#processBatch}). */
    private void route(Delivery delivery) throws Exception {
        consumer.processBatch(new ArrayDeque<>(List.of(delivery)));
    }

    /**
     * Remembers a message whose data exceeded maxMessageSize although LIST said less (or did not know): from the next
     * selection on it is handled per oversizeAction and never retrieved again. Said once, by the selection.
     */
    private void foundOversizeOnWire(MessageInfo info, long octets) {
        oversizeMessages.foundOnWire(info.uidl(), octets);
        LOG.debug("pop3raw: message {} of {} sent more than {} octets, listed as {}; retrieval stopped", info.uidl(),
                mailbox, octets, info.size());
    }
}
