package dev.pop3raw.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;

/**
 * Where a route variant's stopwatch stops: when the consumer's poll has returned, as the ceiling's stops when the
 * server has closed the session. Both pop3raw and camel-mail are scheduled poll consumers, and the scheduler calls
 * the poll strategy's {@code commit} right after {@code poll()} returns; {@code poll()} of either routes every message
 * (synchronously, on the poll's thread), then ends the session with QUIT (camel-mail: closing the POP3 folder) and
 * cleans up (pop3raw deletes the poll's spool files). The last exchange's completion comes before all of that, so
 * stopping there, as the previous method did, left out the QUIT round trip and the deletion of up to two spool files.
 * Counting QUITs in Dovecot's log would time the server's side, and its log is written after the fact.
 */
final class PollEnd implements PollingConsumerPollStrategy {

    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long endNanos;
    private volatile Exception failure;

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        endNanos = System.nanoTime();
        ended.countDown();
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        failure = cause;
        endNanos = System.nanoTime();
        ended.countDown();
        return false; // no retry: a failed pass fails the bench
    }

    /** Waits for the poll's end; returns {@link System#nanoTime()} at its end. */
    long await(long timeout, TimeUnit unit) throws Exception {
        if (!ended.await(timeout, unit)) {
            throw new IllegalStateException("the poll did not end within " + timeout + " " + unit);
        }
        if (failure != null) {
            throw new IllegalStateException("the poll failed", failure);
        }
        return endNanos;
    }
}
