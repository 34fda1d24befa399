package dev.pop3raw.camel;

import java.util.function.LongSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * How the consumer uses its {@link IdempotentRepository}: a message is processed once, a crash strands none, and a
 * repository only this consumer reads costs no more than it must.
 * <p>
 * The <b>processed key</b> {@code user@host:port/UIDL} is added only after the message's exchange succeeded, and never
 * removed: a message with it is never routed again, and in delete mode it may be deleted unread.
 * <p>
 * <b>Whether a message is claimed first</b> depends on the {@link ClaimMode} (option {@code claims}):
 * <ul>
 * <li><b>No claims</b> (NONE; AUTO with Camel's memory or file repository, which another JVM cannot share). A message
 * is looked up at selection ({@code contains}, or the consumer's confirmed-key cache) and its processed key added on
 * success: at most two repository operations per message. Within the consumer, its in-flight set keeps a message that
 * is still routed from being selected again. A crash leaves nothing in the repository: after a restart every message
 * not recorded as processed is offered at the first poll.</li>
 * <li><b>Leases</b> (LEASE; AUTO with any other repository). Before routing, the consumer takes a lease on the message
 * ({@link MessageLeases}): a key naming the current lease period, renewed every period while the exchange runs and
 * removed when it ends (after the processed key was added, so there is never a moment without either). A lease whose
 * owner died is renewed no more and lapses one to two periods ({@code claimTimeout}, default 15 s) after its last
 * renewal; then any consumer takes the message. A route may run for any number of periods.</li>
 * </ul>
 * A consumer that dies after the route's work and before the processed key is added leaves that work done once and
 * the message offered again: delivery is exactly once except across such a crash, where it is at least once (never at
 * most once).
 * <p>
 * <b>No {@code confirm}.</b> In Camel's API, {@code confirm} makes final a key that was added eagerly, before the
 * exchange ran. The processed key is added only after success, so it is final when added: there is nothing to
 * confirm. (Camel's IdempotentConsumer calls {@code confirm} right after such a late {@code add} anyway; its memory,
 * file and JDBC repositories, the orphan-lock-aware one included, implement {@code confirm} as {@code return true}.)
 */
final class MessageClaims {

    /** A message this consumer may route: its processed key, and its lease when claims are taken. */
    record Claim(String uidl, String processedKey, MessageLeases.Lease lease) {
    }

    private final IdempotentRepository repository;
    private final MailboxKey mailbox;
    /** null when no claims are taken. */
    private final MessageLeases leases;

    private MessageClaims(IdempotentRepository repository, MailboxKey mailbox, MessageLeases leases) {
        this.repository = repository;
        this.mailbox = mailbox;
        this.leases = leases;
    }

    /**
     * @param mode              the {@code claims} option; AUTO is resolved here, by the repository's type
     * @param claimTimeoutMillis the lease period (used with leases only)
     */
    static MessageClaims create(
            IdempotentRepository repository, MailboxKey mailbox, ClaimMode mode, long claimTimeoutMillis,
            LongSupplier clock) {
        MessageLeases leases = mode.resolve(repository) == ClaimMode.LEASE
                ? new MessageLeases(repository, mailbox, claimTimeoutMillis, clock)
                : null;
        return new MessageClaims(repository, mailbox, leases);
    }

    /** LEASE or NONE. */
    ClaimMode mode() {
        return leases == null ? ClaimMode.NONE : ClaimMode.LEASE;
    }

    /** The leases this consumer holds, to be renewed on a schedule; null when no claims are taken. */
    MessageLeases leases() {
        return leases;
    }

    /** Whether the message was processed (its processed key is in the repository). */
    boolean isProcessed(String uidl) {
        return repository.contains(mailbox.keyOf(uidl));
    }

    /** Whether initialBacklog=skip recorded the message as seen without retrieving it (its backlog key is there). */
    boolean isBacklog(String uidl) {
        return repository.contains(mailbox.backlogKeyOf(uidl));
    }

    /** Whether initialBacklog=skip has recorded the whole backlog of this mailbox (its marker is there). */
    boolean backlogSkipped() {
        return repository.contains(mailbox.backlogSkippedMarker());
    }

    /**
     * Records a message of the backlog as seen without retrieving it: its backlog key first, then its processed key,
     * so that a processed key written by the skip always has the backlog key that keeps it from being deleted. Only
     * adds keys: it takes no lease and removes nothing.
     */
    void skipBacklog(String uidl) {
        repository.add(mailbox.backlogKeyOf(uidl));
        repository.add(mailbox.keyOf(uidl));
    }

    /** The whole listed backlog was recorded: the marker, last (a crash before it repeats the idempotent skip). */
    void backlogDone() {
        repository.add(mailbox.backlogSkippedMarker());
    }

    /**
     * Claims a message for routing; null when another consumer holds it or processed it. Without claims it costs no
     * repository operation: the caller looked the message up at selection.
     */
    Claim claim(Exchange exchange, String uidl) {
        if (leases == null) {
            return new Claim(uidl, mailbox.keyOf(uidl), null);
        }
        MessageLeases.Lease lease = leases.acquire(exchange, uidl);
        return lease == null ? null : new Claim(uidl, mailbox.keyOf(uidl), lease);
    }

    /** The exchange succeeded: the processed key first, then the lease is released (never a moment without either). */
    void succeeded(Exchange exchange, Claim claim) {
        try {
            repository.add(exchange, claim.processedKey());
        } finally {
            // also when the add failed: the message is offered again then, and a lease still renewed would block it
            if (claim.lease() != null) {
                leases.release(exchange, claim.lease());
            }
        }
    }

    /** The exchange failed: the lease (if any) is released and the message is offered again. */
    void failed(Exchange exchange, Claim claim) {
        if (claim.lease() != null) {
            leases.release(exchange, claim.lease());
        }
    }
}
