package dev.pop3raw.camel;

import org.apache.camel.CamelException;

/**
 * A message exceeds {@code maxMessageSize}: by its LIST size with {@code oversizeAction=fail} (it was not retrieved),
 * or by the octets the server really sent (retrieval stopped, the session dropped, nothing deleted).
 */
public class Pop3RawOversizeException extends CamelException {

    private static final long serialVersionUID = 1L;

    public Pop3RawOversizeException(String uidl, long size, long max) {
        super("message " + uidl + " has " + size + " octets, more than maxMessageSize " + max + "; it was left on the"
              + " server");
    }
}
