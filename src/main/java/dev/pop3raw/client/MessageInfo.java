package dev.pop3raw.client;

/**
 * One message of the maildrop as the listing commands describe it.
 * <p>
 * A listing line that is malformed affects only the message it describes: the value that could not be read is
 * left unknown ({@code size} -1, {@code uidl} as sent or {@code null}) and {@link #problem()} says what was wrong.
 * Whether such a message can still be used is the caller's decision: a message without a valid unique-id cannot be
 * tracked across sessions, a message without a size can still be retrieved.
 *
 * @param number  the message number, valid in this session only
 * @param size    the size in octets the server reports (LIST), or {@code -1} when not known (not asked for, not
 *                listed, or not a number); servers differ in how they count, so treat it as an estimate
 * @param uidl    the unique id (UIDL) as the server sent it, stable across sessions, or {@code null} when not known;
 *                see {@link #hasValidUidl()} before relying on it
 * @param problem what was wrong with the listing lines of this message, for people (the message number is not part
 *                of it, since it changes between sessions), or {@code null} when nothing was
 */
public record MessageInfo(int number, long size, String uidl, String problem) {

    /** RFC 1939 section 7: a unique-id is 1 to 70 characters. */
    public static final int MAX_UIDL_LENGTH = 70;

    /** A message whose listing lines were well-formed. */
    public MessageInfo(int number, long size, String uidl) {
        this(number, size, uidl, null);
    }

    /** Whether {@link #uidl()} is a unique-id as RFC 1939 defines it: 1 to 70 characters 0x21 to 0x7E. */
    public boolean hasValidUidl() {
        return uidl != null && uidlProblem(uidl) == null;
    }

    /** Whether the server sent something malformed about this message ({@link #problem()} says what). */
    public boolean hasProblem() {
        return problem != null;
    }

    /**
     * What keeps {@code uidl} from being a unique-id as RFC 1939 defines it (1 to 70 characters 0x21 to 0x7E), for
     * people; {@code null} when it is one.
     */
    static String uidlProblem(String uidl) {
        if (uidl.isEmpty()) {
            return "the unique-id is empty";
        }
        if (uidl.length() > MAX_UIDL_LENGTH) {
            return "the unique-id has " + uidl.length() + " characters, more than the " + MAX_UIDL_LENGTH
                    + " RFC 1939 allows";
        }
        for (int i = 0; i < uidl.length(); i++) {
            char c = uidl.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "the unique-id " + Printable.quote(uidl) + " contains " + Printable.describe(c)
                        + " (only 0x21-0x7E are allowed)";
            }
        }
        return null;
    }
}
