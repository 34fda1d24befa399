package dev.pop3raw.camel;

import org.apache.camel.CamelException;

/**
 * A message exceeds {@code maxMessageSize}: by its LIST size with {@code oversizeAction=fail} (it was not retrieved),
 * or by the octets the server really sent (retrieval stopped, the session dropped; the consumer then remembers the
 * message and handles it per {@code oversizeAction} without retrieving it again).
 */
public class Pop3RawOversizeException extends CamelException {

    private static final long serialVersionUID = 1L;

    private final String uidl;
    private final long octets;

    public Pop3RawOversizeException(String uidl, long size, long max) {
        super("message " + uidl + " has " + size + " octets, more than maxMessageSize " + max + "; it was left on the"
                + " server");
        this.uidl = uidl;
        this.octets = size;
    }

    /** The UIDL of the message. */
    public String getUidl() {
        return uidl;
    }

    /** Its size as listed, or the octets received when its retrieval was stopped (at least that many). */
    public long getOctets() {
        return octets;
    }
}
