package dev.pop3raw.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.PostgresServer;

/**
 * Scale-out on Camel's own cluster support: two {@link ClusterNode} JVMs, one Dovecot mailbox, Camel's
 * {@link JdbcMessageIdRepository} on a private PostgreSQL as the shared state. See docs/operations.adoc.
 */
class ClusterFailoverTest {

    static final String USER = "shared";
    static final String PASSWORD = "s3cret";

    static PostgresServer pg;
    static HikariDataSource ds;
    static ClusterRecords records;

    DovecotServer dovecot;
    ClusterNodes nodes;
    Path lockDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.start();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl());
        hc.setUsername(PostgresServer.USER);
        hc.setMaximumPoolSize(8);
        ds = new HikariDataSource(hc);
        // creates CAMEL_MESSAGEPROCESSED once, before the nodes race to do it, and the nodes' processed table
        records = new ClusterRecords(ds);
        records.create();
    }

    @AfterAll
    static void stopPostgres() {
        if (ds != null) {
            ds.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void clean(org.junit.jupiter.api.TestInfo info) throws Exception {
        records.clear();
        Path base = Path.of("target", "cluster", info.getTestMethod().orElseThrow().getName());
        nodes = new ClusterNodes(base.resolve("logs"));
        lockDir = Files.createDirectories(base.resolve("lock"));
    }

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
    }

    // ------------------------------------------------------------------------------------------ the repository

    /** Two repositories (two pools: as two nodes) race for the same keys: each key is won exactly once. */
    @Test
    @Timeout(120)
    void twoNodesRacingForTheSameKeyExactlyOneWins() throws Exception {
        HikariDataSource other = pool(pg.jdbcUrl());
        try {
            JdbcMessageIdRepository a = new JdbcMessageIdRepository(ds, "pop3raw");
            JdbcMessageIdRepository b = new JdbcMessageIdRepository(other, "pop3raw");
            a.start();
            b.start();
            int keys = 300;
            AtomicInteger wonA = new AtomicInteger();
            AtomicInteger wonB = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < keys; i++) {
                    String key = "shared@127.0.0.1:110/race-" + i;
                    // two threads per node and key, so also a node races with itself
                    for (Callable<Object> c : List.<Callable<Object>>of(
                            () -> a.add(key) && wonA.incrementAndGet() > 0,
                            () -> b.add(key) && wonB.incrementAndGet() > 0,
                            () -> a.add(key) && wonA.incrementAndGet() > 0,
                            () -> b.add(key) && wonB.incrementAndGet() > 0)) {
                        futures.add(pool.submit(c));
                    }
                }
                for (Future<?> f : futures) {
                    f.get(); // no exception: a lost race (duplicate key) is a plain "false"
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(keys, wonA.get() + wonB.get(),
                    "each key claimed exactly once (a=" + wonA + ", b=" + wonB + ")");
            assertEquals(keys,
                    records.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId LIKE '%/race-%'"));
        } finally {
            other.close();
        }
    }

    // ------------------------------------------------------------------------------------------ two JVMs

    /**
     * Leadership (ClusteredRoutePolicy + FileLockClusterService): the leader is SIGKILLed mid-batch again and
     * again (when its newest row says it has routed some of its poll's messages and has at least five to go; after
     * the kill its last row must show a poll begun but not finished), and restarted; the other node takes over. The claim and the route's work are one PostgreSQL
     * transaction: every message is processed exactly once, and all are deleted.
     */
    @Test
    @Timeout(240)
    void leaderKilledMidBatchAgainAndAgainTransactionalClaimExactlyOnce() throws Exception {
        Failover run = failover("transactional");
        assertExactlyOnce(run.uidls, run.counts);
        assertEquals(0, awaitMailboxCount(0, System.currentTimeMillis() + 20_000),
                "delete=true: every message deleted");
    }

    /**
     * The same with the endpoint's {@code idempotentRepository}: the consumer claims a message just before routing
     * and records it processed after, each committed apart from the route's work. A kill between the claim and the
     * work leaves a claim that expires after one to two claim timeouts (2 s here): the message is then processed by
     * the other node, never stranded. A kill between the work and the processed key makes that message's work run
     * twice: at most one duplicate per kill, never a lost message. (Exactly once across kills needs the claim in the
     * same transaction as the work: the test above.)
     */
    @Test
    @Timeout(240)
    void leaderKilledMidBatchAgainAndAgainEndpointRepositoryLosesNothing() throws Exception {
        Failover run = failover("consumer");
        int duplicates = 0;
        List<String> lost = new ArrayList<>();
        for (String uidl : run.uidls) {
            int c = run.counts.getOrDefault(uidl, 0);
            if (c == 0) {
                lost.add(uidl);
            }
            duplicates += Math.max(0, c - 1);
        }
        System.out.println("endpoint repository: " + lost.size() + " lost, " + duplicates + " processed twice, "
                + run.kills + " kills");
        assertEquals(List.of(), lost, "every message processed");
        assertTrue(duplicates <= run.kills, duplicates + " duplicates from " + run.kills + " kills");
        assertEquals(0, awaitMailboxCount(0, System.currentTimeMillis() + 20_000),
                "delete=true: every message deleted");
    }

    record Failover(List<String> uidls, Map<String, Integer> counts, int kills) {
    }

    private Failover failover(String mode) throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        List<String> uidls = deliver(300);
        List<String> common = nodeArgs("mode=" + mode, "lockDir=" + lockDir.toAbsolutePath(), "delete=true", "max=25",
                "workMs=16", "extra=claimTimeout=2000");
        long t0 = System.nanoTime();
        nodes.start("a", common);
        nodes.start("b", common);
        int kills = 0;
        int lastSeen = 0;
        List<String> placements = new ArrayList<>();
        List<String> notMidBatch = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 150_000;
        while (kills < 6 && System.currentTimeMillis() < deadline) {
            int done = records.rows();
            if (done >= uidls.size() || done == 0 && ClusterNodes.since(t0).toSeconds() > 45) {
                break;
            }
            ClusterRecords.Row latest = done - lastSeen >= 30 ? records.latest(null) : null;
            // the trigger: the leader is inside a poll, with messages of it routed and at least 5 still to come (about
            // 100 ms of work at workMs=16: the kill lands before the poll ends)
            if (latest != null && latest.batchSize() > 0 && latest.batchIndex() + 1 <= latest.batchSize() - 6) {
                String leader = latest.node();
                nodes.kill(leader);
                kills++;
                // what the killed node had done, from its durable log (it is dead: nothing more will come): its last
                // row is message batch_index + 1 of batch_size of the poll it was in
                ClusterRecords.Row last = records.latest(leader);
                String placement = String.format("kill %d: node %s had routed %d of the %d messages of its poll", kills,
                        leader, last.batchIndex() + 1, last.batchSize());
                placements.add(placement);
                if (!(last.batchIndex() >= 0 && last.batchIndex() + 1 < last.batchSize())) {
                    notMidBatch.add(placement);
                }
                System.out.printf("%s: %s (%d rows, %s)%n", mode, placement, done, ClusterNodes.since(t0));
                nodes.restart(leader);
                lastSeen = records.rows();
            }
            Thread.sleep(10);
        }
        Map<String, Integer> counts = awaitAllProcessed(uidls, deadline);
        report(mode + ", leader killed " + kills + " times", uidls, counts, t0);
        assertTrue(kills >= 3, "the leader was killed only " + kills + " times");
        assertEquals(List.of(), notMidBatch, "kills that did not land mid-batch (of " + placements + ")");
        return new Failover(uidls, counts, kills);
    }

    /** Active-active without leadership, no session lock: both nodes poll the same mailbox all the time. */
    @Test
    @Timeout(240)
    void activeActiveWithoutLeadership() throws Exception {
        activeActive(false);
    }

    /** Active-active with Dovecot's pop3_lock_session = yes: the loser of a race for the session gets [IN-USE]. */
    @Test
    @Timeout(240)
    void activeActiveWithPop3LockSession() throws Exception {
        activeActive(true);
    }

    private void activeActive(boolean lockSession) throws Exception {
        dovecot = DovecotServer
                .start(DovecotServer.Options.defaults().user(USER, PASSWORD).pop3LockSession(lockSession));
        List<String> uidls = deliver(200);
        // delete=false: both nodes see every message at every poll, so every UIDL is raced for
        List<String> common = nodeArgs("delete=false", "max=40", "workMs=4", "extra=inUseDelay=1000");
        long t0 = System.nanoTime();
        nodes.start("a", common);
        nodes.start("b", common);
        long deadline = System.currentTimeMillis() + 150_000;
        Map<String, Integer> counts = awaitAllProcessed(uidls, deadline);
        mailbox().awaitMoreLogins(6); // more polls of both nodes (counted at Dovecot): nothing may be processed again
        counts = records.countsByKey();
        report("active-active, pop3_lock_session=" + lockSession, uidls, counts, t0);
        assertExactlyOnce(uidls, counts);
        Map<String, Integer> byNode = records.countsByNode();
        System.out.println("rows per node: " + byNode);
        if (!lockSession) {
            assertEquals(2, byNode.size(), "both nodes processed messages: " + byNode);
        }
    }

    // ------------------------------------------------------------------------------------------ leases

    /**
     * Active-active with leases (claims=auto on the JDBC repository): node a routes the only message for six lease
     * periods ({@code claimTimeout=1000}, route 6 s) while node b polls the same mailbox every 200 ms; a's lease is
     * renewed all along and b never takes the message.
     */
    @Test
    @Timeout(120)
    void aRouteRunningLongerThanThreeLeasePeriodsKeepsItsLease() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        String uidl = deliver(1).get(0);
        nodes.start("a", nodeArgs("delete=false", "workMs=6000", "extra=claimTimeout=1000"));
        long leased = awaitLeaseKey(uidl, 30_000);
        nodes.start("b", nodeArgs("delete=false", "workMs=0", "extra=claimTimeout=1000"));
        long bUp = System.nanoTime();
        awaitProcessedKey(uidl, 30_000);
        Duration routed = ClusterNodes.since(leased);
        Duration bPolled = ClusterNodes.since(bUp);
        Thread.sleep(1500); // more polls of b: the processed key keeps it away now
        Map<String, Integer> byNode = records.countsByNode();
        System.out.printf("lease kept: route ran %s after the lease was taken, b polled alongside for %s; rows %s%n",
                routed, bPolled, byNode);
        assertTrue(bPolled.toMillis() >= 3000, "b polled during at least three lease periods, only " + bPolled);
        assertEquals(Map.of("a", 1), byNode, "only the lease holder routed the message");
    }

    /**
     * A lease whose owner is killed lapses: node a holds the only message in a route that never ends, with the
     * default claimTimeout (15 s); a is SIGKILLed and node b, polling all along, routes the message within two lease
     * periods of the kill (plus a poll), well within a minute.
     */
    @Test
    @Timeout(180)
    void aKilledLeaseHoldersMessageIsTakenByAnotherNodeWithinTwoLeasePeriods() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        String uidl = deliver(1).get(0);
        nodes.start("a", nodeArgs("delete=true", "workMs=600000"));
        awaitLeaseKey(uidl, 30_000);
        nodes.start("b", nodeArgs("delete=true", "workMs=0"));
        Thread.sleep(3000); // b polls, and leaves the message alone
        assertEquals(Map.of(), records.countsByNode(), "nobody finished the message yet");
        nodes.kill("a");
        long killed = System.nanoTime();
        long deadline = System.currentTimeMillis() + 90_000;
        while (records.rows() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Duration takenOver = ClusterNodes.since(killed);
        System.out.printf(
                "lease of a killed holder: the message was routed by b %s after the kill (claimTimeout 15 s)%n",
                takenOver);
        assertEquals(Map.of("b", 1), records.countsByNode());
        assertTrue(takenOver.compareTo(Duration.ofSeconds(35)) <= 0, "taken over after " + takenOver
                + ", more than two lease periods and a poll");
        assertEquals(0, awaitMailboxCount(0, System.currentTimeMillis() + 20_000), "and deleted");
    }

    /** Waits for a lease key of the message; returns System.nanoTime() when it was seen. */
    private long awaitLeaseKey(String uidl, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (records.keys("%/" + uidl + "#claim-%").isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "no lease on " + uidl);
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    private void awaitProcessedKey(String uidl, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (records.keys("%/" + uidl).isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "not processed: " + uidl);
            Thread.sleep(20);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private List<String> nodeArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("pop3Port=" + dovecot.pop3Port(), "user=" + USER,
                "password=" + PASSWORD, "pgPort=" + pg.port(), "delay=200"));
        args.addAll(List.of(extra));
        return args;
    }

    private List<String> deliver(int n) throws Exception {
        return mailbox().deliver(0, n, "m");
    }

    /** Stops early when nothing moved for 8 s. */
    private Map<String, Integer> awaitAllProcessed(List<String> uidls, long deadline) throws Exception {
        return mailbox().awaitAllProcessed(uidls, deadline, Duration.ofSeconds(8));
    }

    private int awaitMailboxCount(int expected, long deadline) throws Exception {
        return mailbox().awaitMessageCount(expected, deadline);
    }

    private SharedMailbox mailbox() {
        return new SharedMailbox(dovecot, USER, records);
    }

    private void assertExactlyOnce(List<String> uidls, Map<String, Integer> counts) throws Exception {
        Set<String> lost = new LinkedHashSet<>();
        Map<String, Integer> doubled = new TreeMap<>();
        for (String uidl : uidls) {
            int c = counts.getOrDefault(uidl, 0);
            if (c == 0) {
                lost.add(uidl);
            } else if (c > 1) {
                doubled.put(uidl, c);
            }
        }
        StringBuilder evidence = new StringBuilder();
        for (String uidl : lost) {
            evidence.append("\n  lost ").append(uidl).append(": repository keys ")
                    .append(records.keys("%/" + uidl + "%"));
        }
        assertTrue(lost.isEmpty() && doubled.isEmpty(), lost.size() + " lost, " + doubled.size()
                + " processed more than once " + doubled + evidence);
    }

    private void report(String what, List<String> uidls, Map<String, Integer> counts, long t0) throws Exception {
        int rows = counts.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("%s: %d messages, %d processed, %d rows, %s, rows per node %s%n", what, uidls.size(),
                counts.size(), rows, ClusterNodes.since(t0), records.countsByNode());
    }

    private static HikariDataSource pool(String url) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(PostgresServer.USER);
        hc.setMaximumPoolSize(4);
        return new HikariDataSource(hc);
    }
}
