package dev.pop3raw.camel;

import java.io.Closeable;
import java.io.IOException;

/**
 * The leaf parts of one message, in the order they appear, read as the message streams by: nested multiparts are
 * walked, and a message/rfc822 part is either one part or walked too ({@link ForwardedMessages}). Implemented in
 * {@code dev.pop3raw.mime} on Apache James Mime4j and loaded by name ({@link MimeParts}), so that nothing else in the
 * component refers to Mime4j; routes do not use it.
 */
public interface MimePartReader extends Closeable {

    /**
     * The next leaf part, or null at the end of the message. The previous part's content can no longer be read.
     *
     * @throws IOException the message cannot be read, or is broken beyond what one part can absorb (a header line over
     *                     the parser's bound, more parts or nesting than it allows)
     */
    MimePart next() throws IOException;
}
