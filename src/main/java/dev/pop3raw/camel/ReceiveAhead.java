package dev.pop3raw.camel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * The consumer's second thread: it receives the next message into its stream cache while the polling thread routes
 * an earlier one. Without it, nobody reads the connection while the route runs: the server fills the socket buffers
 * within milliseconds and then waits, so a poll of large messages took the time to receive them plus the time to
 * route them.
 * <p>
 * One receipt at a time, and the polling thread always waits for it before it touches the session again: the two
 * threads never use the connection at once. The thread ends after a while without work, so an idle consumer holds
 * none.
 */
final class ReceiveAhead {

    private static final long IDLE_SECONDS = 30;

    private final CamelContext context;
    private final ExecutorService executor;

    private ReceiveAhead(CamelContext context, ExecutorService executor) {
        this.context = context;
        this.executor = executor;
    }

    /** A receive-ahead thread for {@code source} (named after it in thread dumps), started on first use. */
    static ReceiveAhead start(CamelContext context, Object source) {
        ThreadPoolProfile profile = new ThreadPoolProfile("pop3raw-receive-ahead");
        profile.setPoolSize(1);
        profile.setMaxPoolSize(1);
        profile.setMaxQueueSize(1);
        profile.setKeepAliveTime(IDLE_SECONDS);
        profile.setTimeUnit(TimeUnit.SECONDS);
        profile.setAllowCoreThreadTimeOut(true);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return new ReceiveAhead(context,
                context.getExecutorServiceManager().newThreadPool(source, "pop3raw-receive-ahead", profile));
    }

    /**
     * Starts receiving on the second thread.
     *
     * @return the receipt, or null when the thread takes no more work (the consumer is stopping): receive inline then
     */
    <T> Receipt<T> receive(Callable<T> receipt) {
        try {
            return new Receipt<>(executor.submit(receipt));
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }

    /** No new receipts; one in progress completes (a socket read cannot be interrupted anyway). */
    void stop() {
        context.getExecutorServiceManager().shutdown(executor);
    }

    /** A message being received on the second thread. */
    static final class Receipt<T> {
        private final Future<T> future;

        private Receipt(Future<T> future) {
            this.future = future;
        }

        /**
         * Waits until the message is received (or its receipt failed, which is thrown as it was thrown there).
         * Interrupted, it runs {@code abort} once, which must make the receipt end soon (closing the session fails
         * the read at once), and goes on waiting: the receiver must never be left reading a session that its owner
         * has given up. The interrupt is restored on return.
         */
        T await(Runnable abort) throws Exception {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get();
                    } catch (InterruptedException e) {
                        if (!interrupted) {
                            interrupted = true;
                            abort.run();
                        }
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof Exception ex) {
                            throw ex;
                        }
                        if (cause instanceof Error err) {
                            throw err;
                        }
                        throw e;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
