package dev.pop3raw.client;

/**
 * One message of the maildrop as the listing commands describe it.
 *
 * @param number the message number, valid in this session only
 * @param size   the size in octets the server reports (LIST), or {@code -1} when not known; servers differ in
 *               how they count, so treat it as an estimate
 * @param uidl   the unique id (UIDL), stable across sessions, or {@code null} when not known
 */
public record MessageInfo(int number, long size, String uidl) {

    /** Whether {@link #uidl()} is a unique-id as RFC 1939 defines it: 1 to 70 characters 0x21 to 0x7E. */
    public boolean hasValidUidl() {
        if (uidl == null || uidl.isEmpty() || uidl.length() > 70) {
            return false;
        }
        for (int i = 0; i < uidl.length(); i++) {
            char c = uidl.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
