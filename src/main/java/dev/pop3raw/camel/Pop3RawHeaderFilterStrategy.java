package dev.pop3raw.camel;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The default header filter strategy of {@code pop3raw:} endpoints, used by mapHeaders: it keeps every header field
 * of a message but those a sender could use to steer the route or a mail producer after it. Dropped, in any case of
 * letters: names starting with {@code Camel} or {@code org.apache.camel.} (a message must not set
 * {@code CamelFileName}, {@code CamelHttpUri} or this component's own {@code CamelPop3Raw*} headers) and with
 * {@code mail.smtp.} or {@code mail.smtps.} (camel-mail's producer can take JavaMail session properties from headers).
 * These are the prefixes of camel-mail's {@code MailHeaderFilterStrategy}. They are set here rather than taken from
 * {@link DefaultHeaderFilterStrategy}'s defaults, which differ between Camel 4 releases (4.18 filters nothing by
 * default; 4.22 filters Camel* in any case), so that a message maps the same on every Camel this component runs on.
 * Extend it, or give any {@code HeaderFilterStrategy} as the endpoint's headerFilterStrategy, to drop more.
 */
public class Pop3RawHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    public Pop3RawHeaderFilterStrategy() {
        initialize();
    }

    /** Sets the filter; a subclass may add to it (call this first). */
    protected void initialize() {
        setLowerCase(true); // the prefixes are also compared with the lower-cased name: any case is dropped
        setCaseInsensitive(true); // names added with setInFilter match in any case too
        setInFilterStartsWith("Camel", "camel", "org.apache.camel.", "mail.smtp.", "mail.smtps.");
    }
}
