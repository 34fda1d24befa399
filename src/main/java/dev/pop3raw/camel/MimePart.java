package dev.pop3raw.camel;

import java.io.InputStream;
import java.util.Collections;
import java.util.List;

/**
 * One leaf part of a message as a {@link MimePartReader} finds it: what its header says, decoded, and its content
 * with the transfer encoding (base64, quoted-printable) removed. The content can be read until the reader moves on.
 * <p>
 * A service type between the splitter ({@link Pop3RawAttachments}) and the MIME parser behind it ({@code
 * dev.pop3raw.mime}, on Apache James Mime4j); routes do not use it.
 */
public final class MimePart {

    private final String path;
    private final String contentType;
    private final String charset;
    private final String fileName;
    private final String contentId;
    private final String disposition;
    private final InputStream content;
    private final List<String> problems;

    /**
     * @param path        where the part is in the message, as IMAP numbers parts ("1", "2.1")
     * @param contentType the media type, lower case, without parameters
     * @param charset     the charset parameter as declared, or null
     * @param fileName    the file name (Content-Disposition filename, else Content-Type name), decoded, or null
     * @param contentId   the Content-ID without its angle brackets, or null
     * @param disposition the Content-Disposition type, lower case ("attachment", "inline"), or null
     * @param content     the decoded content
     * @param problems    what was wrong with the part; the reader adds to it until it reaches the next part
     */
    public MimePart(String path, String contentType, String charset, String fileName, String contentId,
            String disposition, InputStream content, List<String> problems) {
        this.path = path;
        this.contentType = contentType;
        this.charset = charset;
        this.fileName = fileName;
        this.contentId = contentId;
        this.disposition = disposition;
        this.content = content;
        this.problems = problems;
    }

    public String path() {
        return path;
    }

    public String contentType() {
        return contentType;
    }

    public String charset() {
        return charset;
    }

    public String fileName() {
        return fileName;
    }

    public String contentId() {
        return contentId;
    }

    public String disposition() {
        return disposition;
    }

    public InputStream content() {
        return content;
    }

    /** The problems found so far (complete once the reader has moved to the next part). */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** A message/rfc822 part: a whole message (a forwarded one, a bounced one). */
    public boolean isMessage() {
        return "message/rfc822".equals(contentType);
    }

    /**
     * An attachment rather than the message's text: declared {@code attachment}, or carrying a file name (Apple Mail's
     * inline images say {@code inline} and name the file), or a whole message.
     */
    public boolean isAttachment() {
        return "attachment".equals(disposition) || fileName != null || isMessage();
    }

    @Override
    public String toString() {
        return "MimePart[" + path + " " + contentType + (fileName != null ? " " + fileName : "") + "]";
    }
}
