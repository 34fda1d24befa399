package dev.pop3raw.camel;

import org.apache.camel.spi.Metadata;

/**
 * The headers {@link Pop3RawAttachments} sets on each part it splits a message into (as well as the headers of the
 * message's exchange, which every part keeps). The body of a part is its content, decoded (base64, quoted-printable),
 * as a stream cache. A header whose value the part does not have is not set.
 */
public final class Pop3RawAttachmentConstants {

    @Metadata(description = "The part's file name (the Content-Disposition filename, else the Content-Type name;"
            + " RFC 2231 and RFC 2047 decoded), made safe to use as a file name: only what follows the last / or \\,"
            + " without control characters, with <>:\"|?* replaced by _; not set when nothing is left, or for . and"
            + " .. . The sender chose it: do not trust it beyond that.", javaType = "String")
    public static final String FILE_NAME = "CamelPop3RawAttachmentFileName";

    @Metadata(description = "The part's file name decoded, exactly as the sender wrote it (it may contain a path).", javaType = "String")
    public static final String ORIGINAL_FILE_NAME = "CamelPop3RawAttachmentOriginalFileName";

    @Metadata(description = "The media type of the part, lower case, without parameters (application/pdf);"
            + " text/plain when the part declares none.", javaType = "String")
    public static final String CONTENT_TYPE = "CamelPop3RawAttachmentContentType";

    @Metadata(description = "The charset parameter of the part's Content-Type, lower case, as declared.", javaType = "String")
    public static final String CHARSET = "CamelPop3RawAttachmentCharset";

    @Metadata(description = "The part's Content-ID without its angle brackets (what an HTML body refers to as"
            + " cid:...).", javaType = "String")
    public static final String CONTENT_ID = "CamelPop3RawAttachmentContentId";

    @Metadata(description = "The part's Content-Disposition type, lower case: attachment or inline.", javaType = "String")
    public static final String DISPOSITION = "CamelPop3RawAttachmentDisposition";

    @Metadata(description = "Where the part is in the message, numbered as IMAP numbers parts: 1 for the body of a"
            + " single-part message, 2 for the second part of a multipart, 1.2 for the second part of the first part."
            + " Unique within the message.", javaType = "String")
    public static final String PART = "CamelPop3RawAttachmentPart";

    @Metadata(description = "The size of the part's decoded content in octets.", javaType = "Long")
    public static final String SIZE = "CamelPop3RawAttachmentSize";

    @Metadata(description = "What was wrong with the part, when something was (characters that are not base64, a"
            + " missing closing boundary, a malformed header line); the content is what could be decoded. Not set"
            + " for a sound part.", javaType = "String")
    public static final String PROBLEM = "CamelPop3RawAttachmentProblem";

    private Pop3RawAttachmentConstants() {
    }
}
