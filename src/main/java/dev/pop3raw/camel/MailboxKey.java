package dev.pop3raw.camel;

/**
 * The identity of a maildrop, {@code user@host:port}, and the idempotent keys derived from it. UIDLs are unique
 * only within one maildrop, so a repository shared by several endpoints needs the namespace.
 * <p>
 * The key of a processed message is exactly {@code user@host:port/uidl}, for example
 * {@code alice@pop.example.com:995/AAB12}; claims on messages being processed are other keys ({@link #claimKeyOf}).
 * The host is lower-cased; the user and the UIDL are kept as given (both are case-sensitive on some servers).
 */
public final class MailboxKey {

    private final String identity;

    public MailboxKey(String username, String host, int port) {
        this.identity = username + "@" + host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    /** {@code user@host:port}. */
    public String identity() {
        return identity;
    }

    /** {@code user@host:port/uidl}: the idempotent repository key of one message. */
    public String keyOf(String uidl) {
        return identity + "/" + uidl;
    }

    /**
     * {@code user@host:port/uidl#claim-<period>}: a claim on a message, valid in one claim period (see
     * {@link MessageClaims}). Distinct from {@link #keyOf}, which is written only once the message was processed.
     */
    public String claimKeyOf(String uidl, long period) {
        return keyOf(uidl) + "#claim-" + period;
    }

    /**
     * {@code user@host:port/uidl#backlog}: written, before the processed key, for a message that initialBacklog=skip
     * recorded as seen without retrieving it; it tells the consumer never to delete that message.
     */
    public String backlogKeyOf(String uidl) {
        return keyOf(uidl) + "#backlog";
    }

    /**
     * {@code user@host:port#initial-backlog-skipped}: written once initialBacklog=skip recorded the whole backlog of
     * the mailbox; while it is in the repository the backlog is not skipped again. Not a message key (no {@code /}).
     */
    public String backlogSkippedMarker() {
        return identity + "#initial-backlog-skipped";
    }

    @Override
    public String toString() {
        return identity;
    }
}
