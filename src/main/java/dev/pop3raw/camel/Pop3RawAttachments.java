package dev.pop3raw.camel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Iterator;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;

/**
 * Splits a raw message (the body of a {@code pop3raw:} exchange, or any RFC 5322 message) into its attachments or its
 * parts, one {@link Message} each, read as the message streams by: for the splitter in streaming mode,
 * {@code .split(method(Pop3RawAttachments.class, "attachments")).streaming()}, or {@code split: method: beanType:
 * dev.pop3raw.camel.Pop3RawAttachments, method: attachments, streaming: true} in YAML. Each part keeps the headers of
 * the message's exchange and gets those of {@link Pop3RawAttachmentConstants}; its body is its decoded content, in the
 * heap up to {@link #setSpoolThreshold spoolThreshold} octets and in a spool file beyond (deleted when the message's
 * exchange completes, as Camel does with the stream caches of a split).
 * <p>
 * Needs Apache James Mime4j ({@code org.apache.james:apache-mime4j-core}), an optional dependency of the component:
 * without it every method here fails with an error naming it.
 */
public class Pop3RawAttachments {

    /** The default of {@link #setSpoolThreshold}: 1 MiB, as the consumer's spoolThreshold. */
    public static final long DEFAULT_SPOOL_THRESHOLD = Pop3RawConfiguration.DEFAULT_SPOOL_THRESHOLD;
    /** The default of {@link #setMaxTextSize}: 10 MiB. */
    public static final long DEFAULT_MAX_TEXT_SIZE = 10L * 1024 * 1024;

    private long spoolThreshold = DEFAULT_SPOOL_THRESHOLD;
    private ForwardedMessages forwardedMessages = ForwardedMessages.ATTACH;
    private long maxTextSize = DEFAULT_MAX_TEXT_SIZE;

    /**
     * The message's attachments: the leaf parts declared {@code attachment}, or carrying a file name (an inline image
     * with a name), and forwarded messages (see {@link #setForwardedMessages}); not its text and HTML bodies.
     */
    public Iterator<Message> attachments(Exchange exchange) {
        return new PartIterator(exchange, this, true);
    }

    /** Every leaf part of the message: its text and HTML bodies, inline images, attachments. */
    public Iterator<Message> parts(Exchange exchange) {
        return new PartIterator(exchange, this, false);
    }

    /**
     * The message's text: its first text/plain part that is not an attachment, else its first text/html part that is
     * not one, decoded with its charset (UTF-8, else windows-1252, when it declares none or an unknown one); null when
     * it has neither.
     *
     * @throws IllegalArgumentException the text is longer than {@link #setMaxTextSize maxTextSize} octets
     */
    public String text(Exchange exchange) throws IOException {
        StreamCache body = PartIterator.rewind(exchange);
        try (MimePartReader reader = MimeParts.open(PartIterator.messageStream(exchange), false)) {
            String html = null;
            for (MimePart part = reader.next(); part != null; part = reader.next()) {
                if (part.isAttachment()) {
                    continue;
                }
                if (part.contentType().equals("text/plain")) {
                    return read(part);
                }
                if (html == null && part.contentType().equals("text/html")) {
                    html = read(part);
                }
            }
            return html;
        } finally {
            if (body != null) {
                body.reset();
            }
        }
    }

    private String read(MimePart part) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        InputStream in = part.content();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (out.size() + (long) n > maxTextSize) {
                throw new IllegalArgumentException("pop3raw: the text of the message (part " + part.path() + ", "
                        + part.contentType() + ") is longer than maxTextSize (" + maxTextSize + " octets); raise"
                        + " maxTextSize, or split the message into its parts instead");
            }
            out.write(buffer, 0, n);
        }
        return decode(out.toByteArray(), part.charset());
    }

    private static String decode(byte[] octets, String charset) {
        Charset known = charset == null ? null : MailCharsets.forLabel(charset);
        // labels as mail readers read them; no label, or one Java does not know: UTF-8, else windows-1252
        return known != null ? MailCharsets.decode(octets, known) : MailCharsets.raw(octets);
    }

    public long getSpoolThreshold() {
        return spoolThreshold;
    }

    /**
     * A part whose decoded content is longer than this many octets goes to a spool file instead of the heap; 0 or less
     * keeps every part in the heap. When the context's stream caching spools (streamCachingSpoolEnabled), its rules
     * decide, as for the consumer's messages.
     */
    public void setSpoolThreshold(long spoolThreshold) {
        this.spoolThreshold = spoolThreshold;
    }

    public ForwardedMessages getForwardedMessages() {
        return forwardedMessages;
    }

    /**
     * What a message/rfc822 part is: one part, the forwarded message as it is ({@code ATTACH}, the default), or the
     * parts inside it ({@code WALK}), or both, the message first ({@code BOTH}).
     */
    public void setForwardedMessages(ForwardedMessages forwardedMessages) {
        this.forwardedMessages = forwardedMessages;
    }

    public long getMaxTextSize() {
        return maxTextSize;
    }

    /** The longest text {@link #text} returns, in octets before decoding; a longer one fails. */
    public void setMaxTextSize(long maxTextSize) {
        this.maxTextSize = maxTextSize;
    }
}
