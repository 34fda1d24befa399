package dev.pop3raw.camel;

import java.util.function.LongSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * How the consumer uses an {@link IdempotentRepository} so that no message is processed twice by consumers sharing
 * the repository, and none is stranded by a consumer that died in the middle of it.
 * <p>
 * Two kinds of key:
 * <ul>
 * <li>the <b>processed key</b> {@code user@host:port/UIDL}, added only after the message's exchange succeeded. It is
 * never removed: a message with it is never routed again, and in delete mode it may be deleted unread;</li>
 * <li>a <b>claim</b> {@code user@host:port/UIDL#claim-<period>}, added just before routing and removed when the
 * exchange ends. Time is cut into claim periods of {@code claimTimeout}; a claim names the period it was made in.</li>
 * </ul>
 * To claim a message, a consumer adds the claim key of the current period (the repository's {@code add} is atomic:
 * one winner per period), then checks that neither neighbouring period holds a claim and that the message was not
 * processed meanwhile; if either is so, it takes its claim back and leaves the message. Of two consumers that claim
 * in neighbouring periods (a period boundary, or clocks a little apart), the one that checks last sees the other's
 * claim, so at most one of them goes on (sometimes neither, and the message waits for the next poll).
 * <p>
 * A consumer that dies with a claim (a crash, a kill) leaves a claim key behind. It blocks the message only in its
 * own period and the next: from the period after that the message is claimed and processed again, by any consumer.
 * So a message is never stranded; the price is that a route still running after one to two claim periods no longer
 * keeps others away, which is why the period must be longer than any route takes. A consumer that dies after the
 * route's work and before adding the processed key leaves that work done once and the message offered again:
 * delivery is exactly once except across such a crash, where it is at least once (never at most once).
 * <p>
 * A left-behind claim key stays in the repository as garbage: one key per crash.
 */
final class MessageClaims {

    /** The outcome of {@link #claim}: the key to release or confirm, or null when the message is not ours. */
    record Claim(String uidl, String claimKey, String processedKey) {
    }

    private final IdempotentRepository repository;
    private final MailboxKey mailbox;
    private final long periodMillis;
    private final LongSupplier clock;

    MessageClaims(IdempotentRepository repository, MailboxKey mailbox, long claimTimeoutMillis, LongSupplier clock) {
        if (claimTimeoutMillis <= 0) {
            throw new IllegalArgumentException("claimTimeout must be positive, was " + claimTimeoutMillis + " ms");
        }
        this.repository = repository;
        this.mailbox = mailbox;
        this.periodMillis = claimTimeoutMillis;
        this.clock = clock;
    }

    /** Whether the message was processed (its processed key is in the repository). */
    boolean isProcessed(String uidl) {
        return repository.contains(mailbox.keyOf(uidl));
    }

    /** Claims a message for routing; null when it is processed or claimed by someone else. */
    Claim claim(Exchange exchange, String uidl) {
        long period = Math.floorDiv(clock.getAsLong(), periodMillis);
        String claimKey = mailbox.claimKeyOf(uidl, period);
        String processedKey = mailbox.keyOf(uidl);
        if (!repository.add(exchange, claimKey)) {
            return null;
        }
        // checked after the add: whoever of two neighbours checks last sees the other's claim
        if (repository.contains(mailbox.claimKeyOf(uidl, period - 1))
            || repository.contains(mailbox.claimKeyOf(uidl, period + 1))
            || repository.contains(processedKey)) {
            repository.remove(exchange, claimKey);
            return null;
        }
        return new Claim(uidl, claimKey, processedKey);
    }

    /** The exchange succeeded: the processed key first, then the claim is released (never a moment without either). */
    void succeeded(Exchange exchange, Claim claim) {
        repository.add(exchange, claim.processedKey());
        repository.confirm(exchange, claim.processedKey());
        repository.remove(exchange, claim.claimKey());
    }

    /** The exchange failed: the claim is released and the message is offered again. */
    void failed(Exchange exchange, Claim claim) {
        repository.remove(exchange, claim.claimKey());
    }
}
