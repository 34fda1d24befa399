package dev.pop3raw.camel;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The parts of one message for the splitter, one {@link Message} at a time, read from the message as the splitter asks
 * for them (in streaming mode). A part is copied whole into its own stream cache before it is handed out (the heap up
 * to the spool threshold, a file of this split's {@link MessageSpool} beyond), so that it can be read after the parser
 * has moved on, by another thread, or twice. The files are leased to the message's exchange and deleted when it
 * completes; the splitter closes this iterator when it has gone through it, which ends the parsing.
 * <p>
 * The parser reads the header of the next part before a part is handed out: problems it finds on leaving a part (a
 * missing closing boundary) are reported there, so they reach the part they belong to.
 */
final class PartIterator implements Iterator<Message>, Closeable {

    private final Exchange exchange;
    private final boolean attachmentsOnly;
    private final ForwardedMessages forwarded;
    private final MessageSpool spool = new MessageSpool();
    private final SpoolPolicy policy;
    private final StreamCache body;
    /** The readers in use: the message's, and above it those of the forwarded messages being walked (BOTH). */
    private final Deque<Source> sources = new ArrayDeque<>();
    private Message next;
    private boolean closed;

    PartIterator(Exchange exchange, Pop3RawAttachments options, boolean attachmentsOnly) {
        this.exchange = exchange;
        this.attachmentsOnly = attachmentsOnly;
        this.forwarded = options.getForwardedMessages();
        this.policy = policy(exchange, options.getSpoolThreshold());
        this.body = rewind(exchange);
        sources.push(new Source(MimeParts.open(messageStream(exchange), forwarded == ForwardedMessages.WALK), ""));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                close(); // also when the splitter did not get to the end
            }
        });
    }

    private static SpoolPolicy policy(Exchange exchange, long spoolThreshold) {
        Pop3RawConfiguration threshold = new Pop3RawConfiguration();
        threshold.setSpoolThreshold(spoolThreshold);
        Pop3RawComponent component = exchange.getContext().getComponent("pop3raw", Pop3RawComponent.class);
        return SpoolPolicy.of(exchange.getContext().getStreamCachingStrategy(), threshold,
                component::ownSpoolDirectory);
    }

    /** The body of the exchange, from its first byte again when it is a stream cache (returned, else null). */
    static StreamCache rewind(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof StreamCache cache) {
            cache.reset();
            return cache;
        }
        return null;
    }

    static InputStream messageStream(Exchange exchange) {
        InputStream in = exchange.getMessage().getBody(InputStream.class);
        if (in == null) {
            throw new IllegalArgumentException("pop3raw: the body of exchange " + exchange.getExchangeId()
                    + " is not a message to split into parts (it is empty)");
        }
        return in;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !closed) {
            try {
                next = advance();
            } catch (IOException e) {
                close();
                throw new RuntimeCamelException(e.getMessage(), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (next == null) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Message part = next;
        next = null;
        return part;
    }

    /** The next part to hand out, or null at the end of the message. */
    private Message advance() throws IOException {
        while (!sources.isEmpty()) {
            Source source = sources.peek();
            MimePart part = source.take();
            if (part == null) {
                sources.pop().reader.close();
                continue;
            }
            if (attachmentsOnly && !part.isAttachment()) {
                continue; // its content is skipped by the parser
            }
            Spooled content = spool(part.content());
            source.readAhead(); // the part's problems are complete once the parser has left it
            String path = source.prefix + part.path();
            if (forwarded == ForwardedMessages.BOTH && part.isMessage()) {
                sources.push(new Source(MimeParts.open((InputStream) content.cache.copy(exchange), false),
                        path + "."));
            }
            return message(part, path, content);
        }
        return null;
    }

    private record Spooled(StreamCache cache, long octets) {
    }

    private Spooled spool(InputStream content) throws IOException {
        if (policy.encrypted()) {
            CachedOutputStream out = new CachedOutputStream(exchange); // Camel's, which encrypts and cleans up
            long octets = copy(content, out);
            return new Spooled(out.newStreamCache(), octets);
        }
        MessageSpool.Output out = spool.output(exchange, policy, -1);
        long octets = copy(content, out);
        return new Spooled(out.toStreamCache(), octets);
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long octets = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            octets += n;
        }
        return octets;
    }

    private Message message(MimePart part, String path, Spooled content) {
        DefaultMessage message = new DefaultMessage(exchange.getContext());
        message.copyFromWithNewBody(exchange.getMessage(), content.cache);
        message.removeHeaders("CamelPop3RawAttachment*");
        String fileName = part.fileName();
        header(message, Pop3RawAttachmentConstants.FILE_NAME, SafeFileName.of(fileName));
        header(message, Pop3RawAttachmentConstants.ORIGINAL_FILE_NAME, fileName);
        header(message, Pop3RawAttachmentConstants.CONTENT_TYPE, part.contentType());
        header(message, Pop3RawAttachmentConstants.CHARSET, part.charset());
        header(message, Pop3RawAttachmentConstants.CONTENT_ID, part.contentId());
        header(message, Pop3RawAttachmentConstants.DISPOSITION, part.disposition());
        header(message, Pop3RawAttachmentConstants.PART, path);
        header(message, Pop3RawAttachmentConstants.SIZE, content.octets);
        header(message, Pop3RawAttachmentConstants.PROBLEM,
                part.problems().isEmpty() ? null : String.join("; ", part.problems()));
        return message;
    }

    private static void header(Message message, String name, Object value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }

    /** Ends the parsing; the spool files stay until the message's exchange completes. The body is rewound. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!sources.isEmpty()) {
            try {
                sources.pop().reader.close();
            } catch (IOException e) {
                // nothing is written: nothing to lose
            }
        }
        spool.close();
        if (body != null) {
            body.reset();
        }
    }

    /** One reader, one part ahead of the splitter, and what goes before its part numbers. */
    private static final class Source {
        final MimePartReader reader;
        final String prefix;
        private MimePart ahead;
        private boolean ended;

        Source(MimePartReader reader, String prefix) {
            this.reader = reader;
            this.prefix = prefix;
        }

        /** The next part: the one read ahead, else the reader's next; null at the end. */
        MimePart take() throws IOException {
            MimePart part = ahead;
            ahead = null;
            if (part == null && !ended) {
                part = reader.next();
            }
            ended |= part == null;
            return part;
        }

        void readAhead() throws IOException {
            if (!ended) {
                ahead = reader.next();
                ended = ahead == null;
            }
        }
    }
}
