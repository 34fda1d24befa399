package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pop3raw.testing.DovecotServer;

/**
 * Many mailboxes on one node: 100 {@code pop3raw:} endpoints (100 Dovecot users) share one bounded scheduler pool
 * ({@code scheduledExecutorService=#pop3Pool}) instead of a thread each: they poll on the pool's threads, and the
 * number of live threads (counted in the JVM, by name) grows by the pool's threads and a few context-wide ones, not
 * by a thread per endpoint or per session. See "Many mailboxes" in
 * docs/operations.adoc for the sizing.
 */
class Pop3RawManyMailboxesTest {

    static final int MAILBOXES = 100;
    static final int THREADS = 4;

    @Test
    @Timeout(300)
    void hundredEndpointsShareABoundedSchedulerPool() throws Exception {
        DovecotServer.Options options = DovecotServer.Options.defaults();
        for (int i = 0; i < MAILBOXES; i++) {
            options.user("box" + i, "pw" + i);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(THREADS,
                r -> new Thread(r, "pop3raw-poll-" + threadNumber.incrementAndGet()));
        try (DovecotServer dovecot = DovecotServer.start(options)) {
            for (int i = 0; i < MAILBOXES; i++) {
                dovecot.deliver("box" + i, "From: a@example.com\r\nSubject: for box" + i + "\r\n\r\nhello\r\n");
            }
            Map<String, String> receivedBy = new ConcurrentHashMap<>();
            Set<String> pollThreads = ConcurrentHashMap.newKeySet();
            CamelContext context = new DefaultCamelContext();
            context.getRegistry().bind("pop3Pool", pool);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    for (int i = 0; i < MAILBOXES; i++) {
                        from("pop3raw:127.0.0.1:" + dovecot.pop3Port() + "?username=box" + i + "&password=pw" + i
                                + "&tls=none&delete=true&initialDelay=0&delay=500&scheduledExecutorService=#pop3Pool")
                                .routeId("box" + i)
                                .process(e -> {
                                    pollThreads.add(Thread.currentThread().getName());
                                    receivedBy.put(e.getMessage().getHeader(Pop3RawConstants.MAILBOX, String.class),
                                            Thread.currentThread().getName());
                                });
                    }
                }
            });
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            Set<String> added = ConcurrentHashMap.newKeySet(); // names of the threads started since, seen alive
            long t0 = System.nanoTime();
            context.start();
            try {
                int peakAdded = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (receivedBy.size() < MAILBOXES && System.nanoTime() < deadline) {
                    peakAdded = Math.max(peakAdded, threadsAddedSince(before, added));
                    Thread.sleep(50);
                }
                Duration all = Duration.ofMillis((System.nanoTime() - t0) / 1_000_000);
                // more rounds of idle polls (a loaded machine may need a while: wait for them, bounded)
                long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (pool.getCompletedTaskCount() < 3L * MAILBOXES && System.nanoTime() < idleDeadline) {
                    peakAdded = Math.max(peakAdded, threadsAddedSince(before, added));
                    Thread.sleep(100);
                }
                peakAdded = Math.max(peakAdded, threadsAddedSince(before, added));
                System.out.printf("many mailboxes: %d endpoints, %d scheduler threads: every mailbox consumed after %s;"
                        + " pool completed %d polls; threads that routed: %s%n", MAILBOXES, THREADS, all,
                        pool.getCompletedTaskCount(), pollThreads);
                System.out.printf(
                        "many mailboxes: at most %d threads alive at once beyond those before the start: %s%n",
                        peakAdded, new java.util.TreeSet<>(added));
                assertEquals(MAILBOXES, receivedBy.size(), "every mailbox polled and consumed");
                // the endpoints poll on the pool they were given: every exchange was routed on a pool thread
                assertTrue(pollThreads.stream().allMatch(n -> n.startsWith("pop3raw-poll-")), pollThreads.toString());
                // and nothing in the component adds threads per endpoint or per session: 100 endpoints, each polled
                // several times, add the pool's threads and a few of Camel's own (context-wide), not 100
                assertTrue(peakAdded <= THREADS + EXTRA_THREADS, peakAdded + " threads alive beyond those before the"
                        + " start, more than the pool's " + THREADS + " + "
                        + EXTRA_THREADS + ": " + new java.util.TreeSet<>(added));
                long perEndpointThreads = Thread.getAllStackTraces().keySet().stream()
                        .filter(th -> th.getName().contains("pop3raw://")).count();
                assertEquals(0, perEndpointThreads, "no scheduler thread of Camel's own per endpoint");
                assertTrue(pool.getCompletedTaskCount() >= 2L * MAILBOXES, "idle polls go on");
                for (int i = 0; i < MAILBOXES; i++) {
                    assertEquals(0, dovecot.messageCount("box" + i));
                }
            } finally {
                context.stop();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Threads of Camel's own for the whole context (not per endpoint), e.g. its shutdown task, a timer. */
    static final int EXTRA_THREADS = 8;

    /** How many threads alive now were not alive before; their names are added to {@code names}. */
    private static int threadsAddedSince(Set<Thread> before, Set<String> names) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.isAlive()) {
                n++;
                names.add(t.getName());
            }
        }
        return n;
    }
}
