package dev.pop3raw.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pop3raw.camel.Pop3RawConstants;
import dev.pop3raw.testing.DovecotServer;

/**
 * One node, many {@code pop3raw:} endpoints (200 in every run, 1,000 with {@code -Dpop3raw.scale.long=true}; a
 * Dovecot user each, one message each) on one shared scheduler pool of 8 threads ({@code scheduledExecutorService}), in this JVM's 128 MB heap: every mailbox is consumed; the threads
 * alive beyond those before the start stay within the pool and a few of Camel's own; the heap the endpoints hold
 * (after a GC, once every mailbox was polled) is measured per endpoint and bounded; the time of one round of idle polls
 * over all mailboxes is measured (the pool's completed polls from one to two per mailbox). The figures are printed
 * ({@code MANY MAILBOXES}) and quoted in docs/operations.adoc. {@code Pop3RawManyMailboxesTest} is the smaller,
 * faster specification of the shared pool (100 endpoints).
 */
class OneNodeManyMailboxesTest {

    /** 200 in every run; 1,000 with {@code -Dpop3raw.scale.long=true} (or any number with -Dpop3raw.mailboxes). */
    static final int MAILBOXES = Integer.getInteger("pop3raw.mailboxes",
            Boolean.getBoolean("pop3raw.scale.long") ? 1000 : 200);
    static final int THREADS = 8;
    /** Threads of Camel's own for the whole context (not per endpoint), e.g. its shutdown task, a timer. */
    static final int EXTRA_THREADS = 8;
    /** The bound per endpoint (measured about a tenth of it, see the printed figures). */
    static final long HEAP_PER_ENDPOINT_BOUND = 64 * 1024;

    @Test
    @Timeout(600)
    void manyEndpointsOnOnePoolBoundedThreadsAndHeap() throws Exception {
        DovecotServer.Options options = DovecotServer.Options.defaults();
        for (int i = 0; i < MAILBOXES; i++) {
            options.user("m" + i, "pw");
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(THREADS,
                r -> new Thread(r, "pop3raw-poll-" + threadNumber.incrementAndGet()));
        try (DovecotServer dovecot = DovecotServer.start(options)) {
            for (int i = 0; i < MAILBOXES; i++) {
                dovecot.deliver("m" + i, "From: a@example.com\r\nSubject: for m" + i + "\r\n\r\nhello\r\n");
            }
            Set<String> consumed = ConcurrentHashMap.newKeySet();
            DefaultCamelContext context = new DefaultCamelContext();
            if (!Boolean.getBoolean("pop3raw.mailboxes.jmx")) {
                // Camel's MBeans (route, consumer, endpoint, processors) take about 170 KB per route (measured with
                // -Dpop3raw.mailboxes=300 -Dpop3raw.mailboxes.jmx=true): 1,000 routes need more heap than this JVM has
                context.disableJMX();
            }
            context.getRegistry().bind("pop3Pool", pool);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    for (int i = 0; i < MAILBOXES; i++) {
                        from("pop3raw:127.0.0.1:" + dovecot.pop3Port() + "?username=m" + i + "&password=pw"
                                + "&tls=none&delete=true&initialDelay=0&delay=1000&scheduledExecutorService=#pop3Pool")
                                .routeId("m" + i)
                                .process(e -> consumed.add(e.getMessage().getHeader(Pop3RawConstants.MAILBOX,
                                        String.class)));
                    }
                }
            });
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long heapBefore = usedHeapAfterGc(memory);
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            Set<String> added = new TreeSet<>();
            long t0 = System.nanoTime();
            context.start();
            try {
                Duration started = since(t0);
                int peak = awaitPolls(pool, MAILBOXES, before, added, 0);
                Duration firstRound = since(t0);
                long secondStart = System.nanoTime();
                peak = awaitPolls(pool, 2L * MAILBOXES, before, added, peak);
                Duration idleRound = since(secondStart);
                long heapAfter = usedHeapAfterGc(memory);
                long perEndpoint = (heapAfter - heapBefore) / MAILBOXES;
                System.out.printf("MANY MAILBOXES: %d endpoints, a pool of %d threads: context started in %d ms;"
                        + " first round (one message each: RETR, DELE) done %d ms after the start; a round of idle"
                        + " polls %d ms; heap %d KiB before, %d KiB after (GC): %d bytes per endpoint; at most %d"
                        + " threads alive beyond those before: %s%n", MAILBOXES, THREADS, started.toMillis(),
                        firstRound.toMillis(), idleRound.toMillis(), heapBefore / 1024, heapAfter / 1024, perEndpoint,
                        peak, added);
                assertEquals(MAILBOXES, consumed.size(), "every mailbox consumed");
                for (int i = 0; i < MAILBOXES; i += 97) {
                    assertEquals(0, dovecot.messageCount("m" + i), "m" + i + " emptied");
                }
                assertTrue(peak <= THREADS + EXTRA_THREADS, peak + " threads beyond those before: " + added);
                assertTrue(perEndpoint < HEAP_PER_ENDPOINT_BOUND, perEndpoint + " bytes of heap per endpoint");
            } finally {
                context.stop();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits until the pool has run {@code polls} polls; returns the peak of threads added since {@code before}. */
    private static int awaitPolls(ScheduledThreadPoolExecutor pool, long polls, Set<Thread> before, Set<String> added,
            int peak) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (pool.getCompletedTaskCount() < polls && System.nanoTime() < deadline) {
            peak = Math.max(peak, threadsAddedSince(before, added));
            Thread.sleep(20);
        }
        assertTrue(pool.getCompletedTaskCount() >= polls, pool.getCompletedTaskCount() + " polls of " + polls);
        return Math.max(peak, threadsAddedSince(before, added));
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

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

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
