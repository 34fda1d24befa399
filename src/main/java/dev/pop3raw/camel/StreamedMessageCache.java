package dev.pop3raw.camel;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;

/**
 * Where a {@link StreamedMessageBody} keeps the bytes it hands out, so that the message can be read again once it is
 * whole. Written by the body only while its exchange is in flight; read through views, each from the first byte.
 */
interface StreamedMessageCache {

    void write(byte[] b, int off, int len) throws IOException;

    /** The bytes written so far, from the first one (called once the message is whole). */
    StreamCache view() throws IOException;

    /** A view for another exchange (a copy's), valid until that exchange has completed too. */
    StreamCache viewFor(Exchange copyExchange) throws IOException;

    /** The last exchange holding the message completed: nothing reads the cache any more. */
    void close() throws IOException;

    /**
     * In the heap up to the {@link SpoolPolicy}'s bound, then in a file of the poll's {@link MessageSpool}. The file is
     * leased now, while the exchange is still with the consumer: its release must travel with the exchange when Camel
     * hands the completions over (seda), and the message may spill only later, on another thread.
     */
    static StreamedMessageCache spooled(MessageSpool spool, Exchange exchange, SpoolPolicy policy) throws IOException {
        MessageSpool.Output output = spool.leasedOutput(exchange, policy);
        return new StreamedMessageCache() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                output.write(b, off, len);
            }

            @Override
            public StreamCache view() {
                return output.toStreamCache();
            }

            @Override
            public StreamCache viewFor(Exchange copyExchange) throws IOException {
                return output.toStreamCacheFor(copyExchange);
            }

            @Override
            public void close() {
                // the lease ends by itself when the exchanges holding the message have completed
            }
        };
    }

    /**
     * Camel's {@link CachedOutputStream}, for an encrypted spool: created when first written, and closed (its temp
     * file deleted) by the body, not by its own completion (see {@link StreamedMessageBody}).
     */
    static StreamedMessageCache camel(Exchange exchange) {
        return new StreamedMessageCache() {
            private CachedOutputStream cache;

            private CachedOutputStream cache() {
                if (cache == null) {
                    cache = new CachedOutputStream(exchange, false);
                }
                return cache;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                cache().write(b, off, len);
            }

            @Override
            public StreamCache view() throws IOException {
                return cache().newStreamCache();
            }

            @Override
            public StreamCache viewFor(Exchange copyExchange) throws IOException {
                return view();
            }

            @Override
            public void close() throws IOException {
                if (cache != null) {
                    cache.close();
                }
            }
        };
    }
}
