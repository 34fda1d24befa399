package dev.pop3raw.camel;

/**
 * The identity of a maildrop, {@code user@host:port}, and the idempotent keys derived from it. UIDLs are unique
 * only within one maildrop, so a repository shared by several endpoints needs the namespace.
 * <p>
 * The key of a message is exactly {@code user@host:port/uidl}, for example {@code alice@pop.example.com:995/AAB12}.
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
     * {@code user@host:port/uidl#processed}: recorded in delete mode once the route has succeeded, so that a later
     * session (or a restarted node) may delete a message still on the server after a lost QUIT. A plain key alone
     * only says the message was claimed: its route may have been cut short by a crash, and such a message must
     * never be deleted unread.
     */
    public String processedKeyOf(String uidl) {
        return keyOf(uidl) + "#processed";
    }

    @Override
    public String toString() {
        return identity;
    }
}
