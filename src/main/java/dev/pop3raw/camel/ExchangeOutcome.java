package dev.pop3raw.camel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.Synchronization;

/**
 * The outcome of one exchange, taken when it really completes, in its session or (asynchronous routes) after it.
 * Success records the processed key in the idempotent repository (then releases the message's lease, if
 * {@link MessageClaims} took one) and, in delete mode, has the {@link DeletionLedger} mark the message for deletion;
 * failure releases the lease and deletes nothing. The ledger's transition comes last, in a {@code finally}: a completing
 * exchange records its outcome before it leaves the in-flight set.
 */
final class ExchangeOutcome implements Synchronization {

    /** What the outcomes of one consumer record into. */
    static final class Recorder {
        private final Pop3RawStatistics stats;
        private final MessageClaims claims;
        private final ConfirmedKeyCache confirmedKeys;
        private final DeletionLedger ledger;
        private final boolean delete;
        private final Supplier<ExceptionHandler> exceptionHandler;
        /** deleteAfter: records when each message was first processed; null without it. */
        private final KeptMessages keptMessages;

        /**
         * @param claims       null without an idempotent repository
         * @param keptMessages null without deleteAfter
         */
        Recorder(Pop3RawStatistics stats, MessageClaims claims, ConfirmedKeyCache confirmedKeys, DeletionLedger ledger,
                boolean delete, Supplier<ExceptionHandler> exceptionHandler, KeptMessages keptMessages) {
            this.keptMessages = keptMessages;
            this.stats = stats;
            this.claims = claims;
            this.confirmedKeys = confirmedKeys;
            this.ledger = ledger;
            this.delete = delete;
            this.exceptionHandler = exceptionHandler;
        }

        /** The completion to register on the exchange of {@code uidl} before it is routed. */
        ExchangeOutcome outcome(
                DeletionLedger.SessionDeletions session, String uidl, MessageClaims.Claim claim,
                ConsumedOctets octets) {
            return new ExchangeOutcome(this, session, uidl, claim, octets);
        }
    }

    private final Recorder recorder;
    private final DeletionLedger.SessionDeletions session;
    private final String uidl;
    private final MessageClaims.Claim claim;
    private final ConsumedOctets octets;
    /**
     * The outcome is taken once: an exchange abandoned after an Error in its route ({@link Pop3RawConsumer#abandon}) is
     * completed by the consumer, and Camel may still run its cut-short unit of work's completion later, in a later poll.
     */
    private final AtomicBoolean decided = new AtomicBoolean();

    private ExchangeOutcome(Recorder recorder, DeletionLedger.SessionDeletions session, String uidl,
            MessageClaims.Claim claim, ConsumedOctets octets) {
        this.recorder = recorder;
        this.session = session;
        this.uidl = uidl;
        this.claim = claim;
        this.octets = octets;
    }

    @Override
    public void onComplete(Exchange exchange) {
        if (decided.getAndSet(true)) {
            return;
        }
        Recorder r = recorder;
        boolean deletable = false;
        try {
            r.stats.messagesConsumed.incrementAndGet();
            octets.succeeded();
            if (claim != null) {
                r.claims.succeeded(exchange, claim);
                r.confirmedKeys.confirmed(uidl);
                if (r.keptMessages != null) {
                    r.keptMessages.processed(uidl); // after the processed key: a time without a key is never read
                }
            }
            deletable = r.delete;
        } catch (RuntimeException e) {
            r.exceptionHandler.get().handleException("pop3raw: recording the success of message " + uidl + " failed",
                    exchange, e);
        } finally {
            r.ledger.succeeded(session, uidl, deletable);
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        if (decided.getAndSet(true)) {
            return;
        }
        Recorder r = recorder;
        try {
            r.stats.messagesFailed.incrementAndGet();
            r.confirmedKeys.forget(uidl);
            if (claim != null) {
                r.claims.failed(exchange, claim);
            }
        } catch (RuntimeException e) {
            r.exceptionHandler.get().handleException("pop3raw: releasing the idempotent key of message " + uidl
                    + " failed", exchange, e);
        } finally {
            r.ledger.failed(uidl);
        }
    }

    /**
     * A message's octets, counted in {@code bytesConsumed} once its exchange succeeded and its size is known. Both are
     * needed because a streamed message's size is known only when the consumer has read it to its end, which may be
     * before or after its exchange completes.
     */
    static final class ConsumedOctets {
        private final AtomicLong bytesConsumed;
        private long octets = -1;
        private boolean succeeded;
        private boolean counted;

        /** A streamed message: its size is known once it was read to its end. */
        ConsumedOctets(AtomicLong bytesConsumed) {
            this.bytesConsumed = bytesConsumed;
        }

        /** A message received whole: {@code octets} is its SIZE header. */
        ConsumedOctets(AtomicLong bytesConsumed, Long octets) {
            this.bytesConsumed = bytesConsumed;
            this.octets = octets == null ? 0 : octets;
        }

        /** The message's octets, -1 while not known (a streamed message not read to its end). */
        synchronized long octets() {
            return octets;
        }

        synchronized void known(long octets) {
            this.octets = octets;
            countWhenBoth();
        }

        synchronized void succeeded() {
            succeeded = true;
            countWhenBoth();
        }

        private void countWhenBoth() {
            if (succeeded && octets >= 0 && !counted) {
                counted = true;
                bytesConsumed.addAndGet(octets);
            }
        }
    }
}
