package dev.pop3raw.mime;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

import dev.pop3raw.camel.MimePart;
import dev.pop3raw.camel.MimePartReader;

/**
 * The leaf parts of a message, read with Mime4j's pull parser ({@link MimeTokenStream}) as the message streams by:
 * nothing but the current header field and the parser's buffers is held, whatever the size of a part. A part's
 * content is decoded (base64, quoted-printable) while it is read.
 * <p>
 * Lenient, as real mail needs: a bad base64 character, a missing closing boundary, a malformed header line are
 * recorded as problems of the part they are in and parsing goes on. Bounded, as hostile mail needs: a header line
 * over {@value #MAX_LINE} octets, a header field over {@value #MAX_FIELD} octets, or more than {@value #MAX_FIELDS}
 * fields in one header end the reading of the message with an error.
 */
public final class Mime4jPartReader implements MimePartReader {

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_FIELD = 256 * 1024;
    static final int MAX_FIELDS = 10_000;

    private static final MimeConfig CONFIG = MimeConfig.custom().setMaxLineLen(MAX_LINE).setMaxHeaderLen(MAX_FIELD)
            .setMaxHeaderCount(MAX_FIELDS).setMaxContentLen(-1).build();

    private final MimeTokenStream stream;
    private final PartProblems problems = new PartProblems();
    private final PartPath path = new PartPath();
    private ContentFields fields = new ContentFields();
    /** How many message/rfc822 parts the parser is inside (their parts are walked). */
    private int nestedMessages;

    /**
     * @param message      the raw message
     * @param walkMessages whether the parts of a message/rfc822 part are walked (else it is one part: the message)
     */
    public Mime4jPartReader(InputStream message, boolean walkMessages) {
        stream = new MimeTokenStream(CONFIG, problems, null);
        stream.setRecursionMode(walkMessages ? RecursionMode.M_RECURSE : RecursionMode.M_NO_RECURSE);
        stream.parse(message);
    }

    @Override
    public MimePart next() throws IOException {
        try {
            for (EntityState state = stream.next();; state = stream.next()) {
                switch (state) {
                    case T_START_BODYPART -> startEntity(false);
                    case T_START_MESSAGE -> startEntity(true);
                    case T_END_MESSAGE -> endMessage();
                    case T_FIELD -> fields.add(stream.getField());
                    case T_START_MULTIPART -> path.startMultipart();
                    case T_END_MULTIPART -> path.endMultipart();
                    case T_BODY -> {
                        return part();
                    }
                    case T_END_OF_STREAM -> {
                        return null;
                    }
                    default -> {
                        // preamble, epilogue, header start and end: nothing to note
                    }
                }
            }
        } catch (MimeException e) {
            Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw new IOException("pop3raw: the message cannot be split into its parts: " + cause.getMessage(), e);
        }
    }

    private void startEntity(boolean message) {
        if (message) {
            nestedMessages++;
            path.startMessage();
        } else {
            path.startPart();
        }
        problems.startPart();
        fields = new ContentFields();
    }

    /** The end of a message/rfc822 part walked, or of the message itself (which was never started as a part). */
    private void endMessage() {
        if (nestedMessages > 0) {
            nestedMessages--;
            path.endMessage();
        }
    }

    private MimePart part() {
        String type = stream.getBodyDescriptor().getMimeType();
        return new MimePart(path.leaf(), type, fields.charset(), fields.fileName(), fields.contentId(),
                fields.disposition(), stream.getDecodedInputStream(), problems.current());
    }

    /** Stops parsing; the message's stream is left to its owner. */
    @Override
    public void close() {
        stream.stop();
    }
}
