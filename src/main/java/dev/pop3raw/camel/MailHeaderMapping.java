package dev.pop3raw.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mapHeaders: every header field of a message as a Camel header under its own name, as camel-mail maps them
 * (docs/user-guide.adoc, "Mail headers as camel-mail maps them"). A field that occurs once is a String; one that
 * occurs several times (Received, a repeated To) is a List of Strings in the order of the message, under the name's
 * first spelling (Camel's headers are case-insensitive). Each occurrence passes the endpoint's
 * {@link HeaderFilterStrategy} on its own. One per consumer, used by the polling thread only.
 */
final class MailHeaderMapping {

    private static final Logger LOG = LoggerFactory.getLogger(MailHeaderMapping.class);

    private final HeaderFilterStrategy filter;
    private final MailboxKey mailbox;
    /** Whether a header block cut at the bound was reported at WARN already (later ones go to DEBUG). */
    private boolean cutReported;

    private MailHeaderMapping(HeaderFilterStrategy filter, MailboxKey mailbox) {
        this.filter = filter;
        this.mailbox = mailbox;
    }

    /** The mapping of a consumer, or null without mapHeaders (then nothing at all is done per message). */
    static MailHeaderMapping of(boolean mapHeaders, HeaderFilterStrategy filter, MailboxKey mailbox) {
        return mapHeaders ? new MailHeaderMapping(filter, mailbox) : null;
    }

    /**
     * Sets the mapped header fields on the exchange's message. A filter strategy that throws (user code) leaves the
     * fields from there on unmapped, with a WARN: the message is still routed.
     */
    void map(Exchange exchange, HeaderDecoder.Collector header) {
        Map<String, Object> headers = exchange.getIn().getHeaders(); // Camel's: case-insensitive
        try {
            for (HeaderDecoder.Field field : header.all()) {
                if (filter == null || !filter.applyFilterToExternalHeaders(field.name(), field.value(), exchange)) {
                    add(headers, field.name(), field.value());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("pop3raw: {}: the header fields of message {} were not all mapped (mapHeaders): the header"
                    + " filter strategy failed: {}", mailbox.identity(), exchange.getExchangeId(), e.toString());
        }
        if (header.cut()) {
            reportCut(exchange.getExchangeId());
        }
    }

    /**
     * A field's value under its name: the first occurrence as a String, and from the second on a List of them all
     * (what camel-mail's CollectionHelper.appendValue gives). Called before the consumer sets any header of its own.
     */
    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> headers, String name, String value) {
        Object previous = headers.putIfAbsent(name, value);
        if (previous instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else if (previous != null) {
            List<Object> all = new ArrayList<>(2);
            all.add(previous);
            all.add(value);
            headers.put(name, all);
        }
    }

    private void reportCut(String uidl) {
        String text = "pop3raw: {}: the header block of message {} is longer than {} octets; mapHeaders mapped the"
                + " fields before that bound, not the field it cuts nor any after it{}";
        if (!cutReported) {
            cutReported = true;
            LOG.warn(text, mailbox.identity(), uidl, HeaderDecoder.MAX_HEADER_BYTES,
                    " (reported once; later ones at DEBUG)");
        } else {
            LOG.debug(text, mailbox.identity(), uidl, HeaderDecoder.MAX_HEADER_BYTES, "");
        }
    }
}
