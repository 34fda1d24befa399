package dev.pop3raw.camel;

import org.apache.camel.spi.Metadata;

/**
 * The headers a {@code pop3raw:} consumer sets on each exchange. The body is the raw message; these headers
 * only describe it (the decoded RFC 5322 fields are a convenience, the body stays authoritative).
 */
public final class Pop3RawConstants {

    @Metadata(description = "The message's unique id as the server lists it (UIDL), stable across sessions. The"
            + " exchange id is this value too.", javaType = "String")
    public static final String UIDL = "CamelPop3RawUidl";

    @Metadata(description = "The message number in the POP3 session the message was retrieved in. Valid in that"
            + " session only; never use it to address the message later.", javaType = "Integer")
    public static final String MESSAGE_NUMBER = "CamelPop3RawMessageNumber";

    @Metadata(description = "The size of the raw message in octets, as retrieved (dot-stuffing removed).", javaType = "Long")
    public static final String SIZE = "CamelPop3RawSize";

    @Metadata(description = "The size in octets the server reported in its LIST reply (servers count differently;"
            + " an estimate). Not set when the listing gave no usable size for the message.", javaType = "Long")
    public static final String LISTED_SIZE = "CamelPop3RawListedSize";

    @Metadata(description = "The identity of the mailbox the message came from, made of the user name, host and port"
            + " (never contains a secret).", javaType = "String")
    public static final String MAILBOX = "CamelPop3RawMailbox";

    @Metadata(description = "The Subject header, unfolded and RFC 2047 decoded.", javaType = "String")
    public static final String SUBJECT = "CamelPop3RawSubject";

    @Metadata(description = "The From header, unfolded and RFC 2047 decoded.", javaType = "String")
    public static final String FROM = "CamelPop3RawFrom";

    @Metadata(description = "The To header, unfolded and RFC 2047 decoded.", javaType = "String")
    public static final String TO = "CamelPop3RawTo";

    @Metadata(description = "The Cc header, unfolded and RFC 2047 decoded.", javaType = "String")
    public static final String CC = "CamelPop3RawCc";

    @Metadata(description = "The Date header as written in the message (unfolded, not parsed).", javaType = "String")
    public static final String DATE = "CamelPop3RawDate";

    @Metadata(description = "The Message-ID header as written in the message (unfolded).", javaType = "String")
    public static final String MESSAGE_ID = "CamelPop3RawMessageId";

    private Pop3RawConstants() {
    }
}
