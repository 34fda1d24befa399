package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.FaultyProxy.Plan;

/**
 * Fault injection between the consumer and a real Dovecot: a {@link FaultyProxy} cuts sessions at random byte
 * offsets (seeded), in both directions, and refuses some connections, while the route is restarted now and then
 * (a new consumer: the in-memory "delete later" list is lost, as in a JVM restart). Over a mailbox of several
 * hundred messages, each with a unique {@code X-Fault-Id} header, it shows:
 * <ul>
 * <li>every message reaches the route (and completes successfully) at least once;</li>
 * <li>no message is deleted before its exchange succeeded: after every proxied session the messages missing from
 * Dovecot's Maildir must all be in the set of successfully processed ids;</li>
 * <li>with an idempotent repository (shared across the restarts), no message is processed twice.</li>
 * </ul>
 * Where the cuts land is recorded by the proxy ({@link FaultyProxy.Cut}: the stream cut, FIN or RST, the protocol
 * position) and by the route (how many messages the cut session had routed), and asserted per scenario: cuts in both
 * directions with both FIN and RST, in the login, the listing, inside a RETR reply of a session that had already
 * routed messages, and at DELE/QUIT ({@link Placements}). The counts are printed
 * ({@code fault injection [mode] seed ...: N cuts: {...}}).
 * <p>
 * Tunable with system properties (for longer runs): {@code pop3raw.faults.seed}, {@code pop3raw.faults.cuts} (cuts
 * that must really happen per scenario, default 50: 200 for the class; {@code -Dpop3raw.faults.cuts=250} runs 1,000), {@code pop3raw.faults.messages}, {@code pop3raw.faults.timeoutSeconds}
 * (per scenario), {@code pop3raw.faults.restartEvery} (restart the route after that many connections).
 */
class FaultInjectionTest extends CamelTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectionTest.class);
    private static final String USER = "faults";
    private static final String PASSWORD = "faults-pw";
    private static final Pattern FAULT_ID = Pattern.compile("X-Fault-Id: (m-\\d+)\r\n");

    private static final long SEED = Long.getLong("pop3raw.faults.seed", 20251125L);
    private static final int CUTS = Integer.getInteger("pop3raw.faults.cuts", 50);
    private static final int MESSAGES = Integer.getInteger("pop3raw.faults.messages", 300);
    private static final int TIMEOUT_SECONDS = Integer.getInteger("pop3raw.faults.timeoutSeconds", 90);
    private static final int RESTART_EVERY = Integer.getInteger("pop3raw.faults.restartEvery", 7);

    private static DovecotServer dovecot;

    private FaultyProxy proxy;

    @BeforeAll
    static void startDovecot() throws Exception {
        // Dovecot 2.3 leaves a pop3 process behind, idle until its 10-minute autologout, for some sessions cut
        // right after login (its client socket is gone but the process never notices); each counts against
        // mail_max_userip_connections (default 10), and the 11th session gets -ERR [IN-USE]
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD)
                .extraConfig("mail_max_userip_connections = 1000"));
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    // ------------------------------------------------------------------------------------------- scenarios

    @Test
    void deleteOnlyDeliversEveryMessageAtLeastOnceAndNeverDeletesEarly() throws Exception {
        Outcome o = run("delete only", "delete=true", null, 0.0, MESSAGES, SEED);
        o.assertNothingDeletedEarly();
        o.assertEverySucceededAtLeastOnce();
        assertEquals(0, dovecot.messageCount(USER), "everything deleted in the end");
    }

    @Test
    void idempotentRepositoryProcessesEveryMessageExactlyOnce() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.setCacheSize(10 * MESSAGES);
        Outcome o = run("idempotent", "idempotentRepository=#repo", repo, 0.0, MESSAGES, SEED + 1);
        o.assertNothingDeletedEarly();
        o.assertExactlyOnce();
        assertEquals(MESSAGES, dovecot.messageCount(USER), "idempotent mode deletes nothing");
    }

    @Test
    void deleteWithIdempotentRepositoryProcessesExactlyOnceAndEmptiesTheMailbox() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.setCacheSize(10 * MESSAGES);
        Outcome o = run("delete+idempotent", "delete=true&idempotentRepository=#repo", repo, 0.0, MESSAGES, SEED + 2);
        o.assertNothingDeletedEarly();
        o.assertExactlyOnce();
        assertEquals(0, dovecot.messageCount(USER), "everything deleted in the end");
    }

    @Test
    void aRouteThatFailsAtRandomNeverCausesADeletion() throws Exception {
        Outcome o = run("failing route", "delete=true", null, 0.3, Math.min(MESSAGES, 120), SEED + 3);
        o.assertNothingDeletedEarly();
        o.assertEverySucceededAtLeastOnce();
        assertTrue(o.routeFailures.get() > 0, "the route did fail sometimes");
        assertEquals(0, dovecot.messageCount(USER), "everything deleted once it succeeded");
    }

    // ------------------------------------------------------------------------------------------- the run

    /** What one scenario observed. */
    private static final class Outcome {
        final String mode;
        final Map<String, String> idByUidl;
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger routeFailures = new AtomicInteger();
        final AtomicInteger pollErrors = new AtomicInteger();
        final AtomicInteger checks = new AtomicInteger();
        final Map<Integer, AtomicInteger> routedInConnection = new ConcurrentHashMap<>();
        final Map<Integer, Integer> routedAtCut = new ConcurrentHashMap<>();

        Outcome(String mode, Map<String, String> idByUidl) {
            this.mode = mode;
            this.idByUidl = idByUidl;
        }

        void assertNothingDeletedEarly() {
            assertTrue(checks.get() > 0, "the mailbox was checked after sessions");
            assertTrue(violations.isEmpty(), mode + ": deleted before the exchange succeeded: " + violations);
        }

        void assertEverySucceededAtLeastOnce() {
            List<String> missing = idByUidl.values().stream().filter(id -> !successes.containsKey(id)).toList();
            assertTrue(missing.isEmpty(), mode + ": never processed successfully: " + missing);
        }

        void assertExactlyOnce() {
            assertEverySucceededAtLeastOnce();
            List<String> twice = attempts.entrySet().stream().filter(e -> e.getValue().get() > 1)
                    .map(e -> e.getKey() + "x" + e.getValue()).toList();
            assertTrue(twice.isEmpty(), mode + ": routed more than once: " + twice);
        }

        int routedIn(int connection) {
            AtomicInteger n = routedInConnection.get(connection);
            return n == null ? 0 : n.get();
        }

        long duplicates() {
            return attempts.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        }
    }

    private Outcome run(String mode, String options, IdempotentRepository repo, double routeFailure, int messages,
            long seed) throws Exception {
        long started = System.nanoTime();
        Random random = new Random(seed);
        dovecot.clearMailbox(USER);
        Map<String, String> idByUidl = new LinkedHashMap<>();
        long totalOctets = 0;
        for (int i = 0; i < messages; i++) {
            String raw = message(i, random);
            totalOctets += raw.length();
            idByUidl.put(dovecot.deliver(USER, raw), "m-" + i);
        }
        Outcome outcome = new Outcome(mode, idByUidl);
        Path maildir = dovecot.maildir(USER);

        // the proxy: until CUTS cuts really happened, most connections get a cut, half of them with a TCP reset. Some are
        // random byte offsets (either way, within the last full session), most are placed by the protocol: inside the
        // k-th RETR reply or on the k-th RETR line while messages remain to be routed (so that cuts land in sessions
        // that have routed messages), and in the login, the listing, DELE and QUIT.
        Random cutRandom = new Random(seed * 31 + 7);
        AtomicLong lastFullC2S = new AtomicLong(64 + 12L * messages);
        AtomicLong lastFullS2C = new AtomicLong(totalOctets + 64L * messages);
        proxy = FaultyProxy.start(dovecot.host(), dovecot.pop3Port());
        proxy.gate(c -> outcome.routedIn(c.index()) > 0);
        proxy.planner(index -> {
            if (proxy.cutCount() >= CUTS) {
                return Plan.PASS;
            }
            int unrouted = messages - outcome.successes.size();
            if (unrouted > 0 && proxy.cutCount() >= CUTS * 6 / 10) {
                return Plan.PASS; // the rest of the cuts for the sessions after the routing: DELE, QUIT, the listing
            }
            Plan plan = plan(cutRandom, unrouted, lastFullC2S.get(), lastFullS2C.get());
            return plan.cuts() && cutRandom.nextBoolean() ? plan.withReset() : plan;
        });
        proxy.onClosed(c -> {
            if (c.wasCut()) {
                // what the route had completed in this connection when it was cut
                outcome.routedAtCut.put(c.index(), outcome.routedIn(c.index()));
            }
            if (!c.plan().cuts()) {
                lastFullC2S.set(Math.max(c.clientToServerBytes(), 20));
                lastFullS2C.set(Math.max(c.serverToClientBytes(), 20));
            }
            checkNothingDeletedEarly(maildir, outcome);
        });

        Random failRandom = new Random(seed * 17 + 3);
        context.getRegistry().bind("errors", new org.apache.camel.spi.ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                outcome.pollErrors.incrementAndGet();
            }

            @Override
            public void handleException(String message, Throwable exception) {
                outcome.pollErrors.incrementAndGet();
            }

            @Override
            public void handleException(String message, org.apache.camel.Exchange exchange, Throwable exception) {
                outcome.pollErrors.incrementAndGet();
            }
        });
        if (repo != null) {
            context.getRegistry().bind("repo", repo);
        }
        String uri = "pop3raw:127.0.0.1:" + proxy.port() + "?username=" + USER + "&password=RAW(" + PASSWORD + ")"
                + "&tls=none&initialDelay=0&delay=20&readTimeout=3000&connectTimeout=2000"
                + "&exceptionHandler=#errors&" + options;
        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("faults").process(e -> {
                    String body = e.getIn().getBody(String.class);
                    Matcher m = FAULT_ID.matcher(body);
                    if (!m.find()) {
                        throw new IllegalStateException("no X-Fault-Id in " + e.getExchangeId());
                    }
                    String id = m.group(1);
                    // one consumer, one session at a time: this exchange came through the newest connection
                    outcome.routedInConnection.computeIfAbsent(proxy.connectionCount() - 1, k -> new AtomicInteger())
                            .incrementAndGet();
                    outcome.attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    if (routeFailure > 0 && failRandom.nextDouble() < routeFailure) {
                        outcome.routeFailures.incrementAndGet();
                        throw new IllegalStateException("injected route failure for " + id);
                    }
                    // the last step: reaching it is success (the consumer deletes only after this returns)
                    outcome.successes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                });
            }
        };
        context.getShutdownStrategy().setTimeout(10);
        context.addRoutes(routes);

        long deadline = started + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        int restarts = 0;
        int nextRestart = RESTART_EVERY;
        boolean deleting = options.contains("delete=true");
        while (true) {
            boolean allDone = outcome.successes.size() == messages
                    && proxy.cutCount() >= CUTS
                    && (!deleting || dovecot.messageCount(USER) == 0);
            if (allDone) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail(mode + ": not done within " + TIMEOUT_SECONDS + " s: succeeded " + outcome.successes.size() + "/"
                        + messages + ", cuts " + proxy.cutCount() + "/" + CUTS + ", left on the server "
                        + dovecot.messageCount(USER) + ", connections " + proxy.connectionCount());
            }
            if (proxy.connectionCount() >= nextRestart) {
                // a new consumer: what it kept in memory (deletions still to commit) is gone, as after a restart
                context.getRouteController().stopRoute("faults");
                context.removeRoute("faults");
                context.addRoutes(routes);
                restarts++;
                nextRestart = proxy.connectionCount() + RESTART_EVERY;
            }
            Thread.sleep(20);
        }
        context.getRouteController().stopRoute("faults");
        checkNothingDeletedEarly(maildir, outcome);
        Placements placements = Placements.of(proxy.connections(), outcome.routedAtCut);
        LOG.info(
                "fault injection [{}] seed {}: {} messages, {} connections, {} cuts, {} route restarts, {} poll/exchange"
                        + " errors, {} injected route failures, {} messages routed more than once, {} checks, {} ms; cuts: {}",
                mode, seed, messages, proxy.connectionCount(), proxy.cutCount(), restarts, outcome.pollErrors.get(),
                outcome.routeFailures.get(), outcome.duplicates(), outcome.checks.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), placements);
        System.out.printf("fault injection [%s] seed %d: %d cuts: %s%n", mode, seed, proxy.cutCount(), placements);
        assertTrue(proxy.cutCount() >= CUTS, "cuts happened: " + proxy.cutCount());
        placements.assertEveryPlacementHit(mode);
        return outcome;
    }

    /**
     * One connection's plan. {@code unrouted}: messages not yet routed successfully (while some are, most cuts go into
     * the RETR replies of the session, after its first messages).
     */
    private static Plan plan(Random r, int unrouted, long fullC2S, long fullS2C) {
        double x = r.nextDouble();
        if (unrouted > 0) {
            // no uncut session while messages remain (one would route them all), and no random offset (one beyond
            // the session's end lets it pass): most cuts go into the RETR replies, after the session's first
            // messages; a RETR cut beyond the session's last RETR lets the session finish
            if (x < 0.05) {
                return Plan.REFUSE;
            }
            if (x < 0.80) {
                // the k-th RETR of the session, inside its reply (or in its terminating dot line, if shorter), or on
                // its command line; gated: the cut waits there until the route has completed a message of this session
                int k = 2 + r.nextInt(Math.max(1, Math.min(40, unrouted) - 1));
                return (r.nextDouble() < 0.75
                        ? Plan.cutAtCommand(false, "RETR", k, r.nextInt(2500))
                        : Plan.cutAtCommand(true, "RETR", k, r.nextInt(8))).withGate();
            }
            return loginOrListing(r); // before any RETR: no DELE/QUIT cut here (it would come after all the RETRs)
        }
        if (x < 0.30) {
            return Plan.PASS; // uncut sessions commit the deletions
        }
        if (x < 0.35) {
            return Plan.REFUSE;
        }
        if (x < 0.55) {
            return randomOffset(r, fullC2S, fullS2C);
        }
        return x < 0.70 ? loginOrListing(r) : deleOrQuit(r);
    }

    private static Plan randomOffset(Random r, long fullC2S, long fullS2C) {
        return r.nextBoolean()
                ? Plan.cutClientToServer((long) (r.nextDouble() * (fullC2S * 1.1 + 10)))
                : Plan.cutServerToClient((long) (r.nextDouble() * (fullS2C * 1.1 + 10)));
    }

    private static Plan loginOrListing(Random r) {
        // what the consumer sends to this Dovecot (SASL: AUTH, no USER/PASS; UIDL and LIST, no STAT)
        String[] login = {"GREETING", "CAPA", "AUTH"};
        String[] listing = {"UIDL", "LIST"};
        String command = r.nextBoolean() ? login[r.nextInt(login.length)] : listing[r.nextInt(listing.length)];
        boolean clientSide = !command.equals("GREETING") && r.nextBoolean();
        long offset = clientSide
                ? r.nextInt(8)
                : r.nextInt(command.equals("UIDL") || command.equals("LIST") ? 3000 : 40);
        return Plan.cutAtCommand(clientSide, command, 1, offset);
    }

    private static Plan deleOrQuit(Random r) {
        boolean dele = r.nextBoolean();
        boolean clientSide = r.nextBoolean();
        return Plan.cutAtCommand(clientSide, dele ? "DELE" : "QUIT", dele ? 1 + r.nextInt(3) : 1,
                r.nextInt(clientSide ? 6 : 12));
    }

    /** Where the cuts of one scenario landed, counted per category. */
    record Placements(Map<String, Integer> counts) {

        /** Categories every scenario must hit at least once. */
        static final List<String> REQUIRED = List.of("CLIENT_TO_SERVER/FIN", "CLIENT_TO_SERVER/RST",
                "SERVER_TO_CLIENT/FIN", "SERVER_TO_CLIENT/RST", "LOGIN", "LISTING", "RETR_REPLY",
                "RETR_REPLY after routing", "DELE_QUIT");

        static Placements of(List<FaultyProxy.Connection> connections, Map<Integer, Integer> routedAtCut) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (FaultyProxy.Connection c : connections) {
                FaultyProxy.Cut cut = c.cutRecord();
                if (cut == null) {
                    continue;
                }
                counts.merge(cut.direction() + "/" + cut.kind(), 1, Integer::sum);
                counts.merge(cut.position().name(), 1, Integer::sum);
                if (cut.position() == FaultyProxy.Position.RETR_REPLY && routedAtCut.getOrDefault(c.index(), 0) > 0) {
                    counts.merge("RETR_REPLY after routing", 1, Integer::sum);
                }
            }
            return new Placements(counts);
        }

        void assertEveryPlacementHit(String mode) {
            List<String> missed = REQUIRED.stream().filter(k -> counts.getOrDefault(k, 0) == 0).toList();
            assertTrue(missed.isEmpty(), mode + ": no cut landed at " + missed + "; cuts: " + counts);
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }

    private static String message(int i, Random random) {
        StringBuilder b = new StringBuilder()
                .append("X-Fault-Id: m-").append(i).append("\r\n")
                .append("From: sender@example.com\r\nTo: faults@example.com\r\n")
                .append("Subject: fault injection ").append(i).append("\r\n")
                .append("Message-ID: <m-").append(i).append("@faults.example>\r\n\r\n");
        int lines = 1 + random.nextInt(40);
        for (int l = 0; l < lines; l++) {
            // some lines start with a dot: dot-stuffing is part of what a cut may split
            b.append(l % 7 == 3 ? "." : "").append("line ").append(l).append(" of m-").append(i).append(' ')
                    .append("x".repeat(random.nextInt(60))).append("\r\n");
        }
        return b.toString();
    }

    /**
     * Messages missing from the Maildir must all have succeeded. The Maildir is listed first ("new" before "cur":
     * Dovecot only moves new to cur), the successes are read after; a file renamed in "cur" while listed may be
     * missed by one listing, so a suspect is listed once more before it counts.
     */
    private static void checkNothingDeletedEarly(Path maildir, Outcome outcome) {
        try {
            Set<String> present = present(maildir);
            List<String> suspects = new ArrayList<>();
            for (Map.Entry<String, String> e : outcome.idByUidl.entrySet()) {
                if (!present.contains(e.getKey()) && !outcome.successes.containsKey(e.getValue())) {
                    suspects.add(e.getKey());
                }
            }
            if (!suspects.isEmpty()) {
                Thread.sleep(100);
                present = present(maildir);
                for (String uidl : suspects) {
                    String id = outcome.idByUidl.get(uidl);
                    if (!present.contains(uidl) && !outcome.successes.containsKey(id)) {
                        outcome.violations.add(id + " (" + uidl + ")");
                    }
                }
            }
            outcome.checks.incrementAndGet();
        } catch (IOException e) {
            outcome.violations.add("cannot list the Maildir: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> present(Path maildir) throws IOException {
        Set<String> names = new HashSet<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                files.forEach(p -> {
                    String n = p.getFileName().toString();
                    int colon = n.indexOf(':');
                    names.add(colon < 0 ? n : n.substring(0, colon));
                });
            } catch (NoSuchFileException e) {
                // not created yet
            }
        }
        return names;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
