package dev.pop3raw.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.util.IOHelper;

import dev.pop3raw.client.MessageInfo;

/**
 * Turns a message arriving on the wire into its exchange: copies it into a stream cache, chooses the kind of body
 * ({@link #body}), and sets the headers. One per consumer, used by the polling thread only (one poll at a time per
 * consumer; exchanges never see the copy buffer or the header collector, which are reused message after message).
 */
final class MessageReceiver {

    private static final int COPY_BUFFER_SIZE = 64 * 1024;

    private static final HeaderDecoder.Fields HEADER_FIELDS = new HeaderDecoder.Fields(
            Set.of("subject", "from", "to", "cc", "date", "message-id"));

    private final Pop3RawConsumer consumer;
    private final Pop3RawConfiguration config;
    /** When a message leaves the heap and for where; from the context's stream caching and spoolThreshold. */
    private final SpoolPolicy spoolPolicy;
    private final MailboxKey mailbox;
    /** mapHeaders: every header field as a Camel header; null without it. */
    private final MailHeaderMapping headerMapping;
    private byte[] copyBuffer;
    /** The header block of the message being received (the polling thread's, like the copy buffer). */
    private final HeaderDecoder.Collector headerCollector = new HeaderDecoder.Collector();
    /** The octets of the message being received, as far as they were read. */
    private long octets;

    MessageReceiver(Pop3RawConsumer consumer, Pop3RawConfiguration config, SpoolPolicy spoolPolicy,
            MailboxKey mailbox, MailHeaderMapping headerMapping) {
        this.consumer = consumer;
        this.config = config;
        this.spoolPolicy = spoolPolicy;
        this.mailbox = mailbox;
        this.headerMapping = headerMapping;
    }

    /**
     * Copies the message from the wire into a stream cache and builds its exchange. A message cut short (an error, or
     * more than maxMessageSize) is not drained here: the batch or the dropped session takes care of the rest, and the
     * exchange is discarded at once (an Error too, the heap ran out: the poll ends, and the spool file must not wait
     * for the context's stop).
     */
    Exchange receive(MessageInfo info, InputStream in, MessageSpool spool)
            throws IOException, Pop3RawOversizeException {
        Exchange exchange = consumer.createExchange(false);
        exchange.setExchangeId(info.uidl());
        StreamCache body;
        try {
            // the header block is collected while the message is copied: the cache is not read a second time
            headerCollector.reset();
            int filled = readHead(info, in, copyBuffer());
            body = body(exchange, info, in, filled, spool);
        } catch (IOException | RuntimeException | Pop3RawOversizeException | Error e) {
            consumer.discard(exchange);
            throw e;
        }
        setHeaders(exchange.getIn(), info, body);
        return exchange;
    }

    /** Fills the copy buffer with the message's head; returns how much it holds (less than its length: the whole message). */
    private int readHead(MessageInfo info, InputStream in, byte[] buffer) throws IOException, Pop3RawOversizeException {
        long limit = config.getMaxMessageSize();
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            if (!headerCollector.complete()) {
                headerCollector.feed(buffer, filled, n);
            }
            filled += n;
            requireWithin(limit, info, filled);
        }
        octets = filled;
        return filled;
    }

    /**
     * The one place where the kind of body is chosen. A message that ends within the copy buffer and that the
     * {@link SpoolPolicy} keeps in the heap is cached as a byte array of its exact size ({@link InputStreamCache}, the
     * type a {@link CachedOutputStream} returns for in-memory data) without a {@link CachedOutputStream}: no growing
     * buffer, no temp-file manager and no completion callback per exchange. Longer messages are received whole before
     * they are routed: in the heap up to the policy's bound, then into a file of the poll's {@link MessageSpool}
     * ({@link MessageSpool#output}), whether or not the context's stream caching spools; only an encrypted spool goes
     * through a {@link CachedOutputStream}. With {@code streamDownload} the exchange gets a {@link StreamedMessageBody}
     * instead, which goes on reading the wire while the route reads it, and no {@code SIZE} header (the size is not
     * known yet).
     */
    private StreamCache body(Exchange exchange, MessageInfo info, InputStream in, int filled, MessageSpool spool)
            throws IOException, Pop3RawOversizeException {
        byte[] buffer = copyBuffer;
        boolean ended = filled < buffer.length;
        if (ended && !spoolPolicy.spools(filled)) {
            return new InputStreamCache(Arrays.copyOf(buffer, filled));
        }
        if (!ended && config.isStreamDownload()) {
            // the rest is read by the route (or by finishStreamed); the copy buffer is reused, so the head is copied
            return StreamedMessageBody.attach(exchange, info.uidl(), config.getMaxMessageSize(),
                    Arrays.copyOf(buffer, filled), in,
                    spoolPolicy.encrypted()
                            ? StreamedMessageCache.camel(exchange)
                            : StreamedMessageCache.spooled(spool, exchange, spoolPolicy));
        }
        if (!spoolPolicy.encrypted()) {
            // in memory up to the spool threshold, then in a file of the poll, written over by later messages
            MessageSpool.Output output = spool.output(exchange, spoolPolicy, info.size());
            output.write(buffer, 0, filled);
            copyRest(info, in, output);
            return output.toStreamCache();
        }
        CachedOutputStream cache = new CachedOutputStream(exchange);
        try {
            cache.write(buffer, 0, filled);
            copyRest(info, in, cache);
            return cache.newStreamCache();
        } finally {
            IOHelper.close(cache);
        }
    }

    /**
     * Copies the rest of a message into {@code out} through the copy buffer, collecting the header block on the way
     * and keeping within maxMessageSize; counts the octets.
     */
    private void copyRest(MessageInfo info, InputStream in, OutputStream out)
            throws IOException, Pop3RawOversizeException {
        long limit = config.getMaxMessageSize();
        byte[] buffer = copyBuffer;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            if (!headerCollector.complete()) {
                headerCollector.feed(buffer, 0, n);
            }
            octets += n;
            requireWithin(limit, info, octets);
            out.write(buffer, 0, n);
        }
    }

    /** maxMessageSize also bounds what the server really sends: a LIST size can be wrong, or a lie. */
    private static void requireWithin(long limit, MessageInfo info, long octets) throws Pop3RawOversizeException {
        if (limit > 0 && octets > limit) {
            throw new Pop3RawOversizeException(info.uidl(), octets, limit);
        }
    }

    /**
     * The poll has ended: the copy buffer is dropped, so that an endpoint holds no 64 KiB between its polls (a node
     * with a thousand mailboxes would hold 64 MB; OneNodeManyMailboxesTest). The next poll that receives a message
     * allocates one again.
     */
    void endOfPoll() {
        copyBuffer = null;
    }

    /** The copy buffer of the polling thread (one poll at a time per consumer; exchanges never see it). */
    private byte[] copyBuffer() {
        byte[] b = copyBuffer;
        if (b == null) {
            b = new byte[COPY_BUFFER_SIZE];
            copyBuffer = b;
        }
        return b;
    }

    /** The mapped mail header fields first (mapHeaders): the component's own headers below win over any of them. */
    private void setHeaders(Message message, MessageInfo info, StreamCache body) {
        message.setBody(body);
        if (headerMapping != null) {
            headerMapping.map(message.getExchange(), headerCollector);
        }
        message.setHeader(Pop3RawConstants.UIDL, info.uidl());
        message.setHeader(Pop3RawConstants.MESSAGE_NUMBER, info.number());
        if (!(body instanceof StreamedMessageBody)) {
            message.setHeader(Pop3RawConstants.SIZE, octets);
        }
        if (info.size() >= 0) { // not set when the listing gave no usable size
            message.setHeader(Pop3RawConstants.LISTED_SIZE, info.size());
        }
        message.setHeader(Pop3RawConstants.MAILBOX, mailbox.identity());
        Map<String, String> fields = headerCollector.fields(HEADER_FIELDS);
        setIfPresent(message, Pop3RawConstants.SUBJECT, fields.get("subject"));
        setIfPresent(message, Pop3RawConstants.FROM, fields.get("from"));
        setIfPresent(message, Pop3RawConstants.TO, fields.get("to"));
        setIfPresent(message, Pop3RawConstants.CC, fields.get("cc"));
        setIfPresent(message, Pop3RawConstants.DATE, fields.get("date"));
        setIfPresent(message, Pop3RawConstants.MESSAGE_ID, fields.get("message-id"));
    }

    private static void setIfPresent(Message message, String name, String value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }
}
