package dev.pop3raw.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import dev.pop3raw.camel.MailboxKey;
import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.RetrievalBatch;
import dev.pop3raw.client.RetrievedMessage;
import dev.pop3raw.client.TlsMode;

/**
 * One measurement in its own JVM (so that its peak RSS is its own). Prints one line
 * {@code RESULT <messages> <octets> <nanos> <VmHWM kB> [extra]} on success.
 * <p>
 * Arguments: {@code variant host port user password expectedMessages [extra]}. Variants: {@code a} the pop3raw client
 * alone, {@code b} a {@code pop3raw:} route ({@code s} with {@code streamDownload=true}), {@code c} a camel-mail
 * {@code pop3:} route, {@code d} the ceiling (raw socket, all RETRs in one write, no parsing); over implicit TLS
 * {@code bt}, {@code ct} ({@code pop3s:}) and {@code dt} (the port given is then the POP3S one); {@code idle} the idle
 * poll of a fully seen mailbox, {@code idled} its ceiling. Properties set by {@link Bench} for this child only:
 * {@code bench.child.spool} (the context spools), {@code bench.child.certificate} (the server's PEM, trusted by the
 * TLS variants), {@code bench.child.retrOctets} (what a ceiling must read).
 */
public final class BenchChild {

    private static final long TIMEOUT_MINUTES = 15;
    /**
     * How (a) and (b) log in: USER/PASS by default, as (c) and (d) do, so that every variant pays for the same login
     * ({@code -Dbench.auth=auto} measures pop3raw's default, SCRAM-SHA-256 against Dovecot, about 20 ms more).
     */
    private static final String AUTH = System.getProperty("bench.auth", "USER");

    private BenchChild() {
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String user = args[3];
        String password = args[4];
        int expected = Integer.parseInt(args[5]);
        Mailbox box = new Mailbox(host, port, user, password, expected);
        String extraArg = args.length > 6 ? args[6] : "";
        boolean onegig = user.equals("onegig");
        if (Boolean.getBoolean("bench.child.coldstart")) {
            coldStart(variant, box, extraArg);
            return;
        }
        boolean single = variant.equals("idle");
        // pass 0 is the cold pass (a fresh JVM, a backlog right after a deploy); then passes run until the JIT has
        // settled (Settling), then bench.timed passes (default 5), whose median is the settled figure
        Settling settling = single ? Settling.none() : onegig ? Settling.exactly(1) : Settling.fromProperties();
        int timed = single || onegig ? 1 : Integer.getInteger("bench.timed", Bench.DEFAULT_TIMED);
        String ceiling = variant.endsWith("t") ? "dt" : "d"; // the TLS variants' ceiling is the TLS one
        boolean paired = !single && !onegig && !variant.equals(ceiling) && !variant.equals("idled")
                && Boolean.parseBoolean(System.getProperty("bench.paired", "true"));
        long cold = settle(settling, variant, box, extraArg);
        Timed measured = timedPasses(timed, settling.passes(), variant, paired ? ceiling : null, box, extraArg);
        long[] r = measured.last();
        r[2] = median(measured.nanos());
        if (cold == 0) {
            cold = measured.nanos()[0]; // no settling passes: the first timed pass was the cold one
        }
        if (!single) {
            // extra fields: [the median paired ratio,] the passes it took to settle (negative: bench.maxPasses
            // reached unsettled), the timed passes' median CPU time (every thread of this JVM), the cold pass's time,
            // the timed passes' median bytes allocated (-1: not measured for this variant)
            int extras = paired ? 5 : 4;
            r = java.util.Arrays.copyOf(r, r.length + extras);
            if (paired) {
                r[r.length - 5] = median(measured.pairedRatios());
            }
            r[r.length - 4] = settling.settled() ? settling.passes() : -settling.passes();
            r[r.length - 3] = median(measured.cpus());
            r[r.length - 2] = cold;
            r[r.length - 1] = median(measured.allocated());
        }
        StringBuilder line = new StringBuilder("RESULT");
        line.append(' ').append(r[0]).append(' ').append(r[1]).append(' ').append(r[2]).append(' ').append(vmHwmKb());
        for (int i = 3; i < r.length; i++) {
            line.append(' ').append(r[i]);
        }
        System.out.println(line);
        if (Boolean.getBoolean("bench.keepLogs")) {
            Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(x -> x.startsWith("Rss") || x.startsWith("Vm"))
                    .forEach(System.out::println);
        }
        System.out.flush();
        System.exit(0);
    }

    /**
     * The cold start ({@code bench.coldstart}): one pass in this fresh JVM, timed from the start of {@code
     * CamelContext.start()} (the route starts with the context) to the first exchange and to the end of the poll.
     * Prints {@code RESULT <messages> <octets> <to poll end> <VmHWM kB> <to first exchange> <JVM uptime at context
     * start, ms>}.
     */
    private static void coldStart(String variant, Mailbox box, String extraArg) throws Exception {
        coldStart = true;
        long[] r = pass(variant, box, extraArg);
        System.out.println("RESULT " + r[0] + " " + r[1] + " " + (contextStartToEnd) + " " + vmHwmKb() + " "
                + contextStartToFirst + " " + uptimeAtContextStart);
        System.out.flush();
        System.exit(0);
    }

    /** Set by {@link #coldStart}: {@link #route} starts the route with the context and records these. */
    private static boolean coldStart;
    private static long contextStartToFirst;
    private static long contextStartToEnd;
    private static long uptimeAtContextStart;

    /** Runs passes until {@code settling} is done; returns the first (cold) pass's time, 0 if none ran. */
    private static long settle(Settling settling, String variant, Mailbox box, String extraArg) throws Exception {
        long cold = 0;
        while (!settling.done()) {
            long cpuBefore = processCpuNanos();
            long[] r = pass(variant, box, extraArg);
            long cpu = processCpuNanos() - cpuBefore;
            settling.add(cpu);
            log(settling.passes() - 1, "settling", r[2], cpu, 0);
            if (cold == 0) {
                cold = r[2];
            }
        }
        return cold;
    }

    /**
     * The timed passes: wall and CPU time each, the ratio to its paired ceiling pass, the bytes allocated (-1 if not
     * measured), and the last pass's result.
     */
    record Timed(long[] nanos, long[] cpus, long[] pairedRatios, long[] allocated, long[] last) {
    }

    /**
     * {@code count} timed passes, each paired (when {@code ceiling} is not null) with a ceiling pass right before or
     * after it, alternately, in this JVM: the server runs in fast and slow spells of seconds, so only passes seconds
     * apart compare like with like. The ceiling pass is outside the variant's CPU time.
     */
    private static Timed timedPasses(int count, int passesBefore, String variant, String ceiling, Mailbox box,
            String extraArg) throws Exception {
        long[] nanos = new long[count];
        long[] cpus = new long[count];
        long[] pairedRatios = new long[count];
        long[] allocated = new long[count];
        long[] r = null;
        for (int t = 0; t < count; t++) {
            boolean ceilingFirst = t % 2 == 0;
            long ceilingNanos = ceiling != null && ceilingFirst ? pass(ceiling, box, "")[2] : 0;
            long cpuBefore = processCpuNanos();
            lastPassAllocated = -1;
            r = pass(variant, box, extraArg);
            long cpu = processCpuNanos() - cpuBefore;
            allocated[t] = lastPassAllocated;
            if (ceiling != null && !ceilingFirst) {
                ceilingNanos = pass(ceiling, box, "")[2];
            }
            log(passesBefore + t, "timed", r[2], cpu, ceilingNanos);
            nanos[t] = r[2];
            cpus[t] = cpu;
            // of the ceiling, as the table's ratios: the ceiling's time over this variant's, in billionths
            pairedRatios[t] = Math.round(1e9 * ceilingNanos / r[2]);
        }
        return new Timed(nanos, cpus, pairedRatios, allocated, r);
    }

    /** Where and as whom every pass of this child reads. */
    record Mailbox(String host, int port, String user, String password, int expected) {
    }

    /** One pass of a variant; {@code [messages, octets, nanos, extra...]}. */
    static long[] pass(String variant, Mailbox m, String extraArg) throws Exception {
        return switch (variant) {
            case "a" -> client(m.host(), m.port(), m.user(), m.password());
            case "b" -> pop3raw(m, "&tls=none");
            case "s" -> pop3raw(m, "&tls=none&streamDownload=true");
            case "bt" -> pop3raw(m, "&tls=implicit&sslContextParameters=#benchTls");
            case "c" -> camelMail("pop3", m);
            case "ct" -> camelMail("pop3s", m);
            case "d" -> ceiling(m, Socket::new);
            case "dt" -> ceiling(m, BenchTls::rawSocket);
            case "idled" -> listingCeiling(m.host(), m.port(), m.user(), m.password(), m.expected());
            case "idle" -> idle(m.host(), m.port(), m.user(), m.password(), m.expected(), extraArg);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** Every pass in the child's log (bench.keepLogs): is a slow round a slow JVM or a slow pass? */
    private static void log(int pass, String phase, long nanos, long cpu, long ceilingNanos) {
        System.out.printf("pass %d (%s): %.3f s, CPU %.3f s%s%n", pass, phase, nanos / 1e9, cpu / 1e9,
                ceilingNanos > 0 ? String.format(", paired ceiling %.3f s", ceilingNanos / 1e9) : "");
    }

    /** The middle value (the lower of the two middle ones for an even count). */
    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    /**
     * Bytes allocated so far by the live threads of this JVM (HotSpot's per-thread counters). A route's pass reads it
     * before the route starts and at the end of its poll, while the consumer's thread is still alive.
     */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** The bytes a route's last pass allocated, from startRoute to the end of its poll; -1 for other variants. */
    private static long lastPassAllocated = -1;

    /** CPU time of this whole JVM so far (all threads: the consumer, Camel's, the GC and the JIT compiler). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // ------------------------------------------------------------------------------------------ (a)

    static long[] client(String host, int port, String user, String password) throws IOException {
        long start = System.nanoTime();
        Pop3ClientOptions options = Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).build();
        long messages = 0;
        long octets = 0;
        byte[] sink = new byte[64 * 1024];
        try (Pop3Client pop = Pop3Client.connect(host, port, options)) {
            long connected = System.nanoTime();
            pop.login(user, password, null, AUTH);
            long loggedIn = System.nanoTime();
            List<MessageInfo> listing = pop.listing();
            if (Boolean.getBoolean("bench.phases")) {
                System.out.printf("phases: connect %.1f ms, login %.1f ms, listing %.1f ms%n",
                        (connected - start) / 1e6,
                        (loggedIn - connected) / 1e6, (System.nanoTime() - loggedIn) / 1e6);
            }
            List<Integer> numbers = new ArrayList<>(listing.size());
            for (MessageInfo m : listing) {
                numbers.add(m.number());
            }
            try (RetrievalBatch batch = pop.retrieve(numbers)) {
                while (batch.hasNext()) {
                    RetrievedMessage m = batch.next();
                    if (!m.retrieved()) {
                        throw m.error();
                    }
                    try (InputStream in = m.body()) {
                        int n;
                        while ((n = in.read(sink)) >= 0) {
                            octets += n;
                        }
                    }
                    messages++;
                }
            }
            pop.quit();
        }
        return new long[]{messages, octets, System.nanoTime() - start};
    }

    // ------------------------------------------------------------------------------------------ (b)

    /** A {@code pop3raw:} route; {@code options} choose TLS and the like. */
    static long[] pop3raw(Mailbox m, String options) throws Exception {
        String uri = "pop3raw:" + m.host() + ":" + m.port() + "?username=" + m.user() + "&password=RAW(" + m.password()
                + ")&authMechanism=" + AUTH + "&idempotentRepository=#benchRepo&initialDelay=0&delay=3600000"
                + "&pollStrategy=#benchPoll" + options;
        return route(uri, m.expected(), BenchChild::readBody);
    }

    // ------------------------------------------------------------------------------------------ (c)

    /** A camel-mail route, {@code pop3} or (over implicit TLS) {@code pop3s}. */
    static long[] camelMail(String scheme, Mailbox m) throws Exception {
        // camel-mail's fastest raw form: no mapping to a Camel body, the raw message written out by JavaMail
        // (writeTo: one RETR per message); no SEEN search (POP3 has no flags); idempotent, nothing deleted. Its UID
        // generator keys a message by its Message-ID (then a hash of its headers, then its number; never the UIDL):
        // every corpus message has a unique Message-ID. camel-mail removes a key on commit unless told not to, which
        // with delete=false would route every message again at the next poll: the bench keeps the keys, as a user
        // of delete=false must (one poll per route here, so it changes a confirm into a remove, nothing more).
        String uri = scheme + "://" + m.host() + ":" + m.port() + "?username=" + m.user() + "&password=RAW("
                + m.password() + ")&delete=false&unseen=false&mapMailMessage=false&idempotentRepository=#benchRepo"
                + "&idempotentRepositoryRemoveOnCommit=false&initialDelay=0&delay=3600000&maxMessagesPerPoll=0"
                + "&fetchSize=-1&pollStrategy=#benchPoll"
                + (scheme.equals("pop3s") ? "&sslContextParameters=#benchTls" : "")
                + System.getProperty("bench.camelMailOptions", "");
        return route(uri, m.expected(), e -> {
            MailMessage mail = e.getIn(MailMessage.class);
            Counting out = new Counting();
            mail.getMessage().writeTo(out);
            return out.count;
        });
    }

    interface BodyReader {
        long read(Exchange exchange) throws Exception;
    }

    /** The processor's read buffer, one per thread: the route's allocation is measured, not the benchmark's. */
    private static final ThreadLocal<byte[]> SINK = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    static long readBody(Exchange e) throws IOException {
        InputStream in = e.getIn().getBody(InputStream.class);
        byte[] sink = SINK.get();
        long count = 0;
        int n;
        while ((n = in.read(sink)) >= 0) {
            count += n;
        }
        return count;
    }

    static long[] route(String uri, int expected, BodyReader reader) throws Exception {
        // a default context: Camel 4 caches stream bodies but does not spool them, and the component spools a message
        // above its own spoolThreshold (1 MiB) by itself. bench.child.spool (the @spool variants, set by Bench) turns
        // the context's spooling on, as every variant of the previous method had it (128 KiB threshold)
        CamelContext context = new DefaultCamelContext();
        if (Boolean.getBoolean("bench.child.spool")) {
            context.getStreamCachingStrategy().setSpoolEnabled(true);
            String threshold = System.getProperty("bench.spoolThreshold");
            if (threshold != null) {
                context.getStreamCachingStrategy().setSpoolThreshold(Long.parseLong(threshold));
            }
        }
        context.getRegistry().bind("benchRepo", MemoryIdempotentRepository.memoryIdempotentRepository(expected + 1000));
        PollEnd pollEnd = new PollEnd();
        context.getRegistry().bind("benchPoll", pollEnd);
        if (System.getProperty("bench.child.certificate") != null) {
            context.getRegistry().bind("benchTls", BenchTls.parameters());
        }
        CountDownLatch done = new CountDownLatch(expected);
        AtomicLong octets = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong first = new AtomicLong();
        Synchronization countDown = new Synchronization() {
            @Override
            public void onComplete(Exchange exchange) {
                done.countDown();
            }

            @Override
            public void onFailure(Exchange exchange) {
                failure.compareAndSet(null, exchange.getException());
                done.countDown();
            }
        };
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("bench").autoStartup(coldStart)
                        .process(e -> {
                            first.compareAndSet(0, System.nanoTime());
                            octets.addAndGet(reader.read(e));
                            e.getExchangeExtension().addOnCompletion(countDown);
                        });
            }
        });
        long contextStart = System.nanoTime();
        if (coldStart) {
            uptimeAtContextStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        }
        context.start();
        long allocatedBefore = allocatedBytes();
        long start = System.nanoTime();
        if (!coldStart) {
            context.getRouteController().startRoute("bench");
        }
        long started = System.nanoTime();
        if (!done.await(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            throw new IllegalStateException(
                    "only " + (expected - done.getCount()) + " of " + expected + " exchanges done");
        }
        long lastDone = System.nanoTime();
        long pollEnded = pollEnd.await(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        long nanos = pollEnded - start;
        lastPassAllocated = allocatedBytes() - allocatedBefore;
        if (coldStart) {
            contextStartToFirst = first.get() - contextStart;
            contextStartToEnd = pollEnded - contextStart;
        }
        if (Boolean.getBoolean("bench.phases")) {
            System.out.printf("phases: startRoute %.1f ms, first exchange at %.1f ms, last done at %.1f ms, poll ended"
                    + " at %.1f ms%n", (started - start) / 1e6, (first.get() - start) / 1e6,
                    (lastDone - start) / 1e6, nanos / 1e6);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("an exchange failed", failure.get());
        }
        context.stop();
        return new long[]{expected, octets.get(), nanos};
    }

    // ------------------------------------------------------------------------------------------ (d)

    /** How a raw session gets its socket: plain, or TLS for the TLS ceiling (handshake at the first read). */
    interface SocketMaker {
        Socket make() throws IOException;
    }

    /** Dovecot's reply to QUIT when nothing was deleted: the last line the ceiling reads. */
    private static final String QUIT_REPLY = "+OK Logging out.\r\n";

    static long[] ceiling(Mailbox m, SocketMaker sockets) throws Exception {
        // a pass that read less than the whole wire is no ceiling: it is repeated (at most twice), and said so in the
        // child's log. Seen once in dozens of TLS runs: the session ended 3,778 octets short, without an error
        for (int attempt = 1;; attempt++) {
            long start = System.nanoTime();
            StringBuilder commands = new StringBuilder(m.expected() * 12 + 8);
            for (int i = 1; i <= m.expected(); i++) {
                commands.append("RETR ").append(i).append("\r\n");
            }
            long octets = rawSession(sockets, m.host(), m.port(), m.user(), m.password(), commands.toString());
            long nanos = System.nanoTime() - start;
            try {
                checkCeilingOctets(octets);
                return new long[]{m.expected(), octets, nanos};
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.println("ceiling pass repeated: " + e.getMessage());
            }
        }
    }

    /**
     * The ceiling parses nothing, so its count is of the octets on the wire: every RETR's status line, the
     * dot-stuffed message and its terminator (Corpora.Wire, passed by Bench as bench.child.retrOctets), then the QUIT
     * reply. Checked after the stopwatch, every pass: a ceiling that read less (a refused RETR, a session cut short)
     * would be a ceiling too high.
     */
    private static void checkCeilingOctets(long octets) {
        long retr = Long.getLong("bench.child.retrOctets", -1);
        if (retr >= 0 && octets != retr + QUIT_REPLY.length()) {
            throw new IllegalStateException("the ceiling read " + octets + " octets; expected " + retr
                    + " for the RETRs and " + QUIT_REPLY.length() + " for QUIT");
        }
    }

    /** The idle poll's ceiling: log in, UIDL and LIST in one write, every byte read, nothing parsed. */
    static long[] listingCeiling(String host, int port, String user, String password, int expected) throws Exception {
        long start = System.nanoTime();
        long octets = rawSession(Socket::new, host, port, user, password, "UIDL\r\nLIST\r\n");
        return new long[]{expected, octets, System.nanoTime() - start};
    }

    /**
     * A raw session: USER/PASS, then {@code commands} and QUIT in one write (from another thread, so that the server's
     * replies are read while it is written), every byte read until the server closes. Returns the octets read.
     */
    private static long rawSession(SocketMaker sockets, String host, int port, String user, String password,
            String commands) throws Exception {
        long octets = 0;
        try (Socket socket = sockets.make()) {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(60_000);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            readLine(in); // greeting
            out.write(("USER " + user + "\r\n").getBytes(StandardCharsets.US_ASCII));
            readLine(in);
            out.write(("PASS " + password + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String ok = readLine(in);
            if (!ok.startsWith("+OK")) {
                throw new IOException("login failed: " + ok);
            }
            byte[] all = (commands + "QUIT\r\n").getBytes(StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    out.write(all); // one write
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                octets += n;
            }
            writer.join();
        }
        return octets;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    // ------------------------------------------------------------------------------------------ idle poll

    /**
     * The idle poll of a mailbox whose UIDLs are all in the repository: the repository is filled with every key
     * first (as another node, or an earlier run, would have left it), then three polls are timed. The repository
     * counts its queries; {@code bench.idle.latencyMicros} (default 100) adds a simulated round trip to each, as
     * a JDBC repository on the LAN would have. Extra result fields: per poll, nanos and queries.
     */
    static long[] idle(String host, int port, String user, String password, int expected, String uriOptions)
            throws Exception {
        long latencyNanos = Long.getLong("bench.idle.latencyMicros", 100) * 1000;
        CountingRepository repo = new CountingRepository(
                MemoryIdempotentRepository.memoryIdempotentRepository(expected + 1000), latencyNanos);
        MailboxKey mailbox = new MailboxKey(user, host, port);
        Pop3ClientOptions options = Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).build();
        try (Pop3Client pop = Pop3Client.connect(host, port, options)) {
            pop.login(user, password);
            for (MessageInfo m : pop.listing()) {
                repo.delegate.add(mailbox.keyOf(m.uidl()));
            }
            pop.quit();
        }
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("benchRepo", repo);
        AtomicLong routed = new AtomicLong();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:" + host + ":" + port + "?username=" + user + "&password=RAW(" + password + ")"
                        + "&tls=none&authMechanism=" + AUTH + "&idempotentRepository=#benchRepo&startScheduler=false"
                        + uriOptions)
                        .routeId("idle").process(e -> routed.incrementAndGet());
            }
        });
        context.start();
        Route route = context.getRoute("idle");
        ScheduledPollConsumer consumer = (ScheduledPollConsumer) route.getConsumer();
        Method poll = ScheduledPollConsumer.class.getDeclaredMethod("poll");
        poll.setAccessible(true);
        int polls = Integer.getInteger("bench.idle.polls", 3);
        long[] result = new long[3 + 2 * polls];
        for (int i = 0; i < polls; i++) {
            long before = repo.queries.get();
            long start = System.nanoTime();
            poll.invoke(consumer);
            result[3 + 2 * i] = System.nanoTime() - start;
            result[4 + 2 * i] = repo.queries.get() - before;
        }
        if (routed.get() != 0) {
            throw new IllegalStateException(routed.get() + " messages were routed; the mailbox was fully seen");
        }
        context.stop();
        result[0] = expected;
        result[1] = 0;
        result[2] = result[3 + 2 * (polls - 1)];
        return result;
    }

    /** Counts every call that would be a round trip to a shared repository, optionally with a simulated latency. */
    static final class CountingRepository extends ServiceSupport implements IdempotentRepository {
        final IdempotentRepository delegate;
        final AtomicLong queries = new AtomicLong();
        private final long latencyNanos;

        CountingRepository(IdempotentRepository delegate, long latencyNanos) {
            this.delegate = delegate;
            this.latencyNanos = latencyNanos;
        }

        private void roundTrip() {
            queries.incrementAndGet();
            if (latencyNanos > 0) {
                long end = System.nanoTime() + latencyNanos;
                while (System.nanoTime() < end) {
                    LockSupport.parkNanos(latencyNanos / 4);
                }
            }
        }

        @Override
        public boolean add(String key) {
            roundTrip();
            return delegate.add(key);
        }

        @Override
        public boolean contains(String key) {
            roundTrip();
            return delegate.contains(key);
        }

        @Override
        public boolean remove(String key) {
            roundTrip();
            return delegate.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            roundTrip();
            return delegate.confirm(key);
        }

        @Override
        public void clear() {
            roundTrip();
            delegate.clear();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static long vmHwmKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
