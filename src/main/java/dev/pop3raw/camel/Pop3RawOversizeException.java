package dev.pop3raw.camel;

import org.apache.camel.CamelException;

/** A message was not retrieved because it exceeds {@code maxMessageSize} and {@code oversizeAction=fail}. */
public class Pop3RawOversizeException extends CamelException {

    private static final long serialVersionUID = 1L;

    public Pop3RawOversizeException(String uidl, long size, long max) {
        super("message " + uidl + " has " + size + " octets, more than maxMessageSize " + max + "; it was left on the"
              + " server");
    }
}
