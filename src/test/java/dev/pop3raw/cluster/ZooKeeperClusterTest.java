package dev.pop3raw.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.main.Main;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pop3raw.camel.Pop3RawConstants;
import dev.pop3raw.camel.cluster.RejoiningZooKeeperClusterService;
import dev.pop3raw.cluster.ClusterRecords.RouteEvent;
import dev.pop3raw.cluster.ClusterRecords.Row;
import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.PostgresServer;
import dev.pop3raw.testing.ZooKeeperEnsemble;

/**
 * Scale-out on ZooKeeper: three {@link ClusterNode} JVMs under {@code ClusteredRoutePolicy} with camel-zookeeper's
 * {@code ZooKeeperClusterService} on a three-server {@link ZooKeeperEnsemble} (each server a JVM of its own), one
 * Dovecot mailbox, Camel's JDBC idempotent repository on a private PostgreSQL. See docs/operations.adoc, "ZooKeeper".
 * <p>
 * The leader is SIGKILLed mid-batch {@code pop3raw.zk.kills} times (5; 20 with {@code -Dpop3raw.scale.long=true}, which
 * also runs the tests every run leaves out: delete mode with the endpoint's repository, 30 mailboxes without the
 * balancer), in delete mode (the transactional pattern) and in idempotent mode, and restarted; each kill's placement is read from the rows the nodes wrote (the killed node's last row is
 * message k of n of its poll, 0 < k < n). Takeover time: from the kill to the first exchange of another node.
 */
class ZooKeeperClusterTest {

    static final String USER = "shared";
    static final String PASSWORD = "s3cret";
    static final int MESSAGES = Integer.getInteger("pop3raw.zk.messages", 500);
    /** The long series: 20 kills, and the tests every run leaves out. */
    static final boolean LONG = Boolean.getBoolean("pop3raw.scale.long");
    static final int KILLS = Integer.getInteger("pop3raw.zk.kills", LONG ? 20 : 5);
    /** The session timeout of the documented configuration (docs/operations.adoc, "ZooKeeper"). */
    static final int SESSION_MS = 5000;
    static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);
    /** No route started or stopped on any node for this long: the leadership has settled. */
    private static final Duration LEADERSHIP_QUIET = Duration.ofSeconds(4);

    static PostgresServer pg;
    static HikariDataSource ds;
    static ClusterRecords records;
    static ZooKeeperEnsemble zk;

    DovecotServer dovecot;
    ClusterNodes nodes;
    String zkBase;

    @BeforeAll
    static void startServers() throws Exception {
        pg = PostgresServer.start();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl());
        hc.setUsername(PostgresServer.USER);
        hc.setMaximumPoolSize(4);
        ds = new HikariDataSource(hc);
        records = new ClusterRecords(ds);
        records.create();
        zk = ZooKeeperEnsemble.start(3);
    }

    @AfterAll
    static void stopServers() {
        if (zk != null) {
            zk.close();
        }
        if (ds != null) {
            ds.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void clean(TestInfo info) throws Exception {
        records.clear();
        String name = info.getTestMethod().orElseThrow().getName();
        nodes = new ClusterNodes(Path.of("target", "cluster-zk", name, "logs"));
        // a base path of its own: the znodes of the previous test's killed nodes live on until their sessions expire
        zkBase = "/camel/pop3raw/" + name;
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

    // ------------------------------------------------------------------------------------------ failover

    /**
     * Delete mode with the documented exactly-once pattern (the claim and the route's work in one PostgreSQL
     * transaction, the endpoint only deletes): every message exactly once, all deleted, none deleted unprocessed.
     */
    @Test
    @Timeout(600)
    void deleteModeTransactionalClaimLeaderKilledMidBatchEveryMessageExactlyOnce() throws Exception {
        Failover run = failover("transactional", true);
        run.assertNothingLost();
        assertEquals(0, run.duplicates(), "exactly once: " + run.doubled());
        assertEquals(0, awaitMailboxCount(0), "every message deleted");
    }

    /**
     * Delete mode with the endpoint's idempotentRepository: nothing lost, at most one duplicate per kill. Run with
     * {@code -Dpop3raw.scale.long=true} (ClusterFailoverTest covers this configuration under the file lock in every run).
     */
    @Test
    @Timeout(600)
    void deleteModeEndpointRepositoryLeaderKilledMidBatchLosesNothing() throws Exception {
        Assumptions.assumeTrue(LONG, "-Dpop3raw.scale.long=true runs it");
        Failover run = failover("consumer", true);
        run.assertNothingLost();
        assertTrue(run.duplicates() <= run.kills(), run.duplicates() + " duplicates from " + run.kills() + " kills");
        assertEquals(0, awaitMailboxCount(0), "every message deleted");
    }

    /**
     * Idempotent mode (nothing deleted, the endpoint's JDBC idempotentRepository): nothing lost, at most one duplicate
     * per kill, the mailbox untouched. Every run (5 kills; 20 with {@code -Dpop3raw.scale.long=true}).
     */
    @Test
    @Timeout(600)
    void idempotentModeLeaderKilledMidBatchLosesNothing() throws Exception {
        Failover run = failover("consumer", false);
        run.assertNothingLost();
        assertTrue(run.duplicates() <= run.kills(), run.duplicates() + " duplicates from " + run.kills() + " kills");
        assertEquals(MESSAGES, dovecot.messageCount(USER), "idempotent mode deletes nothing");
    }

    record Failover(List<String> uidls, Map<String, Integer> counts, int kills, List<Duration> takeovers) {

        List<String> lost() {
            return uidls.stream().filter(u -> counts.getOrDefault(u, 0) == 0).toList();
        }

        Map<String, Integer> doubled() {
            Map<String, Integer> doubled = new TreeMap<>();
            counts.forEach((uidl, c) -> {
                if (c > 1) {
                    doubled.put(uidl, c);
                }
            });
            return doubled;
        }

        int duplicates() {
            return counts.values().stream().mapToInt(c -> Math.max(0, c - 1)).sum();
        }

        void assertNothingLost() {
            assertEquals(List.of(), lost(), "every message processed");
        }
    }

    private Failover failover(String mode, boolean delete) throws Exception {
        String what = (delete ? "delete mode" : "idempotent mode") + ", " + mode;
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        List<String> uidls = deliver(MESSAGES);
        List<String> args = nodeArgs("mode=" + mode, "delete=" + delete, "max=25", "workMs=16");
        long t0 = System.nanoTime();
        for (String node : List.of("a", "b", "c")) {
            nodes.start(node, args);
        }
        int lastSeen = 0;
        List<String> placements = new ArrayList<>();
        List<String> notMidBatch = new ArrayList<>();
        List<Duration> takeovers = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 420_000;
        while (placements.size() < KILLS && System.currentTimeMillis() < deadline) {
            int done = records.rows();
            if (done >= MESSAGES) {
                break;
            }
            Row latest = done - lastSeen >= 10 ? records.latest(null) : null;
            // the trigger: the leader is inside a poll, with messages of it routed and at least 5 still to come
            // (about 100 ms of work at workMs=16: the kill lands before the poll ends)
            if (latest != null && latest.batchSize() > 0 && latest.batchIndex() + 1 <= latest.batchSize() - 6) {
                String leader = latest.node();
                Instant killed = Instant.now();
                nodes.kill(leader);
                // what the killed node had done, from its rows (it is dead: nothing more will come)
                Row last = records.latest(leader);
                String placement = String.format("kill %d: node %s had routed %d of the %d messages of its poll",
                        placements.size() + 1, leader, last.batchIndex() + 1, last.batchSize());
                placements.add(placement);
                if (!last.midBatch()) {
                    notMidBatch.add(placement);
                }
                assertNothingDeletedUnprocessed(delete, placement);
                nodes.restart(leader);
                Duration takeover = awaitTakeover(leader, killed);
                takeovers.add(takeover);
                System.out.printf("zk %s: %s; taken over after %d ms (%s)%n", what, placement, takeover.toMillis(),
                        ClusterNodes.since(t0));
                lastSeen = records.rows();
            }
            Thread.sleep(10);
        }
        Map<String, Integer> counts = awaitAllProcessed(uidls, deadline);
        Failover run = new Failover(uidls, counts, placements.size(), takeovers);
        report(what, run, t0);
        assertEquals(KILLS, run.kills(), "the leader was killed only " + run.kills() + " times");
        assertEquals(List.of(), notMidBatch, "kills that did not land mid-batch (of " + placements + ")");
        assertTakeoversWithinBound(takeovers);
        if (delete) {
            assertNothingDeletedUnprocessed(true, "at the end");
        }
        return run;
    }

    /** Waits for the first exchange of another node after the kill; returns the time from the kill to it. */
    private Duration awaitTakeover(String killed, Instant at) throws Exception {
        long deadline = System.currentTimeMillis() + 2 * TAKEOVER_BOUND.toMillis();
        Row next = records.firstOfAnotherNodeAfter(killed, at);
        while (next == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            next = records.firstOfAnotherNodeAfter(killed, at);
        }
        assertNotNull(next, "no other node took over within " + 2 * TAKEOVER_BOUND.toSeconds() + " s of the kill");
        return Duration.between(at, next.at());
    }

    private static void assertTakeoversWithinBound(List<Duration> takeovers) {
        List<Duration> sorted = new ArrayList<>(takeovers);
        Collections.sort(sorted);
        Duration median = sorted.get(sorted.size() / 2);
        Duration max = sorted.get(sorted.size() - 1);
        assertTrue(median.compareTo(TAKEOVER_BOUND) < 0 && max.compareTo(TAKEOVER_BOUND) < 0,
                "takeover median " + median + ", max " + max + ", bound " + TAKEOVER_BOUND);
    }

    /**
     * Delete mode: every message gone from the maildrop was processed (the count of messages deleted, read first, is
     * at most the count of distinct messages processed, read after).
     */
    private void assertNothingDeletedUnprocessed(boolean delete, String when) throws Exception {
        if (delete) {
            assertNothingDeletedUnprocessed(MESSAGES, when);
        }
    }

    /** Of {@code delivered} messages, the ones gone from the maildrop were all processed. */
    private void assertNothingDeletedUnprocessed(int delivered, String when) throws Exception {
        int deleted = delivered - dovecot.messageCount(USER);
        int processed = records.countsByKey().size();
        assertTrue(deleted <= processed, when + ": " + deleted + " deleted, only " + processed + " processed");
    }

    // ------------------------------------------------------------------------------------------ session lost

    /**
     * A lost session ({@link RejoiningZooKeeperClusterService}): the leader's JVM is frozen (SIGSTOP) longer than the
     * session timeout, so the ensemble expires its session and the standby takes over and consumes the mail that
     * arrives meanwhile. Woken (SIGCONT), the old leader finds its session lost and steps down: its route stops (it
     * records that, after the wake-up) and it routes nothing beside the new leader (the rows, ordered by time, show one
     * node after the other). It joins the election again, behind the new leader (read from the election's lock nodes on
     * the ensemble), and when the new leader is SIGKILLed it takes over and consumes the mail that comes next. The
     * transactional pattern: every message exactly once, none deleted unprocessed, all deleted.
     */
    @Test
    @Timeout(240)
    void leaderFrozenPastItsSessionStepsDownRejoinsTheElectionAndTakesOverWhenTheNewLeaderDies() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        List<String> uidls = new ArrayList<>(deliver(0, 40));
        List<String> args = nodeArgs("mode=transactional", "max=25", "workMs=16", "routeEvents=true");
        long t0 = System.nanoTime();
        nodes.start("a", args);
        nodes.start("b", args);
        awaitRows(40, Duration.ofSeconds(60), "before the pause");
        Set<String> first = records.nodesSince(0);
        assertEquals(1, first.size(), "one node routes before the pause, not " + first);
        String frozen = first.iterator().next();
        String standby = frozen.equals("a") ? "b" : "a";
        assertEquals(0, awaitMailboxCount(0), "the first mail deleted: the leader is idle when frozen");

        Instant paused = Instant.now();
        nodes.pause(frozen);
        uidls.addAll(deliver(40, 40));
        Duration takeover = awaitTakeover(frozen, paused);
        awaitRows(80, Duration.ofSeconds(60), "while " + frozen + " is frozen");
        assertEquals(0, awaitMailboxCount(0), "the new leader deleted the mail of the pause");
        Instant woken = Instant.now();
        nodes.resume(frozen);
        RouteEvent stepDown = awaitRouteEvent(frozen, "stopped", woken, Duration.ofSeconds(30));
        assertNothingDeletedUnprocessed(80, "after the wake-up");
        Duration rejoined = awaitElection("pop3raw-mail", List.of("node-" + standby, "node-" + frozen), woken,
                Duration.ofSeconds(30));

        // the next mail: the new leader alone routes it
        uidls.addAll(deliver(80, 40));
        awaitRows(120, Duration.ofSeconds(60), "after the wake-up");
        // the new leader dies: the woken node, back in the election, takes over
        Instant killed = Instant.now();
        nodes.kill(standby);
        uidls.addAll(deliver(120, 40));
        Duration secondTakeover = awaitTakeover(standby, killed);
        Map<String, Integer> counts = awaitAllProcessed(uidls, System.currentTimeMillis() + 120_000);
        Failover run = new Failover(uidls, counts, 0, List.of(takeover, secondTakeover));
        List<String> turns = turns(records.rowsByTime());
        System.out.printf("ZK SESSION LOST: %s frozen %d ms (session %d ms); %s took over %d ms after the pause;"
                + " %s stepped down %d ms and was back in the election %d ms after the wake-up (route events %s);"
                + " %s killed, %s took over %d ms after; routing turns %s; rows per node %s;"
                + " %d processed, %d lost, %d duplicates; %s%n", frozen, Duration.between(paused, woken).toMillis(),
                SESSION_MS, standby, takeover.toMillis(), frozen, Duration.between(woken, stepDown.at()).toMillis(),
                rejoined.toMillis(), records.routeEvents(frozen), standby, frozen, secondTakeover.toMillis(), turns,
                records.countsByNode(), counts.size(), run.lost().size(), run.duplicates(), ClusterNodes.since(t0));
        assertTrue(Duration.between(paused, woken).toMillis() > SESSION_MS, "frozen longer than the session");
        assertEquals(List.of(frozen, standby, frozen), turns, "one node routes at a time");
        assertEquals(Map.of(frozen, 80, standby, 80), records.countsByNode(), "rows per node");
        assertTakeoversWithinBound(List.of(takeover, secondTakeover));
        run.assertNothingLost();
        assertEquals(0, run.duplicates(), "exactly once: " + run.doubled());
        assertEquals(0, awaitMailboxCount(0), "every message deleted");
    }

    /**
     * Waits until the election of {@code namespace} on the ensemble has exactly {@code ids} as its participants, in
     * that order (Curator's {@code LeaderSelector} lock nodes: sequential, each holding its node's id); returns the time
     * from {@code since}.
     */
    private Duration awaitElection(String namespace, List<String> ids, Instant since, Duration timeout)
            throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(200))) {
            client.start();
            assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "the test's ZooKeeper client connected");
            String path = zkBase + "/" + namespace;
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> participants = List.of();
            while (System.nanoTime() < deadline) {
                participants = participants(client, path);
                if (participants.equals(ids)) {
                    return Duration.between(since, Instant.now());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("the election of " + namespace + " has " + participants + ", not " + ids
                    + ", " + timeout + " after " + since);
        }
    }

    /**
     * The ids in the election's lock nodes, first in the queue first (Curator's lock node names end in their
     * sequence number); a lock node deleted while read is left out.
     */
    private static List<String> participants(CuratorFramework client, String path) throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> lockNodes = client.getChildren().forPath(path).stream()
                .sorted(Comparator.comparing((String name) -> name.substring(name.length() - 10))).toList();
        for (String lockNode : lockNodes) {
            try {
                ids.add(new String(client.getData().forPath(path + "/" + lockNode), StandardCharsets.UTF_8));
            } catch (KeeperException.NoNodeException gone) {
                // released meanwhile
            }
        }
        return ids;
    }

    /** Waits for {@code node}'s first route event {@code event} recorded after {@code after}. */
    private RouteEvent awaitRouteEvent(String node, String event, Instant after, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (RouteEvent e : records.routeEvents(node)) {
                if (e.event().equals(event) && e.at().isAfter(after)) {
                    return e;
                }
            }
            assertTrue(System.nanoTime() < deadline, "node " + node + " recorded no route " + event + " within "
                    + timeout + " after " + after + ": " + records.routeEvents(node));
            Thread.sleep(50);
        }
    }

    /** The nodes in the order they routed: the rows by time, each run of one node's rows collapsed into one. */
    private static List<String> turns(List<Row> rowsByTime) {
        List<String> turns = new ArrayList<>();
        for (Row row : rowsByTime) {
            if (turns.isEmpty() || !turns.get(turns.size() - 1).equals(row.node())) {
                turns.add(row.node());
            }
        }
        return turns;
    }

    // ------------------------------------------------------------------------------------------ YAML

    /**
     * The YAML form of docs/operations.adoc ("ZooKeeper"): the component's {@link RejoiningZooKeeperClusterService} as
     * a bean with camel-zookeeper's properties, {@code ClusteredRoutePolicy.forNamespace} as a bean, a route using it ({@code routePolicyRef}): run by
     * Camel Main, it joins the election on the ensemble, leads (the only member) and consumes the mailbox. Stopped, it
     * leaves no thread of its ZooKeeper client, of Curator or of its session worker behind.
     */
    @Test
    @Timeout(120)
    void theDocumentedYamlLeadsOnTheEnsemble() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        String uidl = deliver(1).get(0);
        String yaml = """
                - beans:
                    - name: cluster
                      type: dev.pop3raw.camel.cluster.RejoiningZooKeeperClusterService
                      properties:
                        id: node-yaml
                        nodes: "%s"
                        basePath: "%s"
                        sessionTimeout: 5000
                    - name: mailLeadership
                      type: org.apache.camel.impl.cluster.ClusteredRoutePolicy
                      factoryMethod: forNamespace
                      constructors:
                        0: pop3raw-mail
                - route:
                    id: mail
                    routePolicyRef: mailLeadership
                    from:
                      uri: pop3raw:127.0.0.1:%d
                      parameters:
                        username: %s
                        password: "RAW(%s)"
                        tls: none
                        delete: true
                        initialDelay: 0
                        delay: 200
                      steps:
                        - to: mock:mail
                """.formatted(zk.connectString(), zkBase, dovecot.pop3Port(), USER, PASSWORD);
        // as Camel Main runs a YAML file (camel run, Spring Boot, camel-main): it adds the CamelClusterService bean to
        // the context's services, where ClusteredRoutePolicy looks for it (a bare DefaultCamelContext does not)
        Path file = Files.createDirectories(Path.of("target", "cluster-zk", "yaml")).resolve("mail.yaml");
        Files.writeString(file, yaml);
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + file.toAbsolutePath());
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            MockEndpoint mock = context.getEndpoint("mock:mail", MockEndpoint.class);
            mock.expectedHeaderReceived(Pop3RawConstants.UIDL, uidl);
            mock.assertIsSatisfied(30_000);
            CamelClusterService cluster = context.getRegistry().lookupByNameAndType("cluster",
                    CamelClusterService.class);
            assertTrue(cluster instanceof ZooKeeperClusterService, String.valueOf(cluster));
            assertEquals("node-yaml", cluster.getId());
            assertTrue(cluster.isLeader("pop3raw-mail"), "the context leads its namespace");
            assertEquals(0, awaitMailboxCount(0), "and deleted the message");
        } finally {
            main.stop();
        }
        assertEquals(List.of(), awaitNoThreads(Duration.ofSeconds(10)),
                "the cluster service's threads (its ZooKeeper client's, Curator's, its session worker) left running");
    }

    /**
     * Waits until no thread of a ZooKeeper client ({@code ...-SendThread(host:port)}, {@code ...-EventThread}), of
     * Curator ({@code Curator-...}) or of the service's session worker is alive; returns the names still alive then.
     */
    private static List<String> awaitNoThreads(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> alive = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(name -> name.contains("SendThread(") || name.endsWith("EventThread")
                            || name.startsWith("Curator-") || name.contains("ZooKeeperSession"))
                    .sorted().toList();
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return alive;
            }
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------------------------------ ZooKeeper failures

    /**
     * A ZooKeeper server is SIGKILLed under the consumers, a follower first, then (the follower restarted) the
     * quorum's leader: each time the quorum goes on (a new quorum leader is elected after the second kill) and so
     * does consumption (more messages are routed after each kill). Then the consumer that routes is SIGKILLed and
     * another takes over within the bound: the election outlived the ZooKeeper kills. At the end every message is
     * processed, exactly once (the transactional pattern), and deleted.
     */
    @Test
    @Timeout(300)
    void zooKeeperServersKilledTheQuorumLeaderIncludedConsumptionContinues() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
        int messages = 400;
        List<String> uidls = deliver(messages);
        for (String node : List.of("a", "b", "c")) {
            nodes.start(node, nodeArgs("mode=transactional", "max=25", "workMs=40"));
        }
        long t0 = System.nanoTime();
        awaitRows(20, Duration.ofSeconds(60), "before the first ZooKeeper kill");
        int quorumLeader = zk.awaitLeader(Duration.ofSeconds(10));
        int follower = quorumLeader % 3 + 1;
        List<String> events = new ArrayList<>();
        for (int victim : List.of(follower, -1)) {
            int server = victim > 0 ? victim : zk.awaitLeader(Duration.ofSeconds(60));
            String role = zk.mode(server);
            int before = records.rows();
            Instant killed = Instant.now();
            zk.kill(server);
            int next = zk.awaitLeader(Duration.ofSeconds(60));
            Duration more = awaitRows(before + 20, Duration.ofSeconds(60),
                    "after ZooKeeper server " + server + " (" + role + ") was killed");
            events.add(String.format("server %d (%s) killed: quorum leader now %d, 20 more messages %d ms after the"
                    + " kill, rows per node %s", server, role, next, Duration.between(killed, Instant.now()).toMillis(),
                    records.countsByNode()));
            assertTrue(more.compareTo(TAKEOVER_BOUND) < 0, "consumption stalled " + more + " after the kill");
            zk.restart(server);
        }
        // the election survived: one node routes (no node goes on polling without the lock), and when it is
        // SIGKILLed another one takes over
        zk.awaitLeader(Duration.ofSeconds(60));
        Thread.sleep(SESSION_MS); // any leadership change due to the kills has happened by now
        int from = records.rows();
        awaitRows(from + 30, Duration.ofSeconds(30), "before the consumer's kill");
        Set<String> routing = records.nodesSince(from);
        assertEquals(1, routing.size(), "one node routes at a time, not " + routing);
        String leader = routing.iterator().next();
        Instant killed = Instant.now();
        nodes.kill(leader);
        Duration takeover = awaitTakeover(leader, killed);
        events.add("then consumer " + leader + " killed: taken over after " + takeover.toMillis() + " ms");
        Map<String, Integer> counts = awaitAllProcessed(uidls, System.currentTimeMillis() + 120_000);
        Failover run = new Failover(uidls, counts, 1, List.of(takeover));
        System.out.printf("ZK SERVER KILLS: %s; %d processed, %d lost, %d duplicates, %s%n", events,
                counts.size(), run.lost().size(), run.duplicates(), ClusterNodes.since(t0));
        assertTrue(events.get(0).contains("(follower)") && events.get(1).contains("(leader)"), events.toString());
        run.assertNothingLost();
        assertEquals(0, run.duplicates(), "exactly once: " + run.doubled());
        assertEquals(0, awaitMailboxCount(0), "every message deleted");
    }

    /** Waits until the nodes have written {@code rows} rows; returns how long that took. */
    private Duration awaitRows(int rows, Duration timeout, String when) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (records.rows() < rows && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(records.rows() >= rows, "consumption stopped " + when + ": " + records.rows() + " rows, expected "
                + rows + "; rows per node " + records.countsByNode() + "; ZooKeeper " + zk.modes());
        return ClusterNodes.since(t0);
    }

    // ------------------------------------------------------------------------------------------ many mailboxes

    static final int MAILBOXES = 30;

    /**
     * 30 mailboxes (30 routes, a namespace each) on three nodes with {@link FairShareLeadership}: the mailboxes spread
     * over the nodes (each leads its fair share, 10); in every round of mail (two messages per mailbox, one per poll)
     * each mailbox is consumed by one node; the node leading the most is SIGKILLed and its mailboxes are consumed by
     * the survivors within the takeover bound, spread over both (15 each); every node polls on its shared pool of 4
     * threads, and its thread count does not grow from round to round.
     */
    @Test
    @Timeout(300)
    void thirtyMailboxesSpreadOverThreeNodesAndMoveToTheSurvivorsOfAKill() throws Exception {
        manyMailboxes(true);
    }

    /**
     * The same without {@link FairShareLeadership}: camel-zookeeper's elections are first come, first served, and
     * the first node started leads every mailbox; when it dies they all go to one survivor. Run with
     * {@code -Dpop3raw.scale.long=true} (it shows what the balancer is for, and the CI budget has no room for it).
     */
    @Test
    @Timeout(300)
    void withoutBalancingTheFirstNodeLeadsEveryMailbox() throws Exception {
        Assumptions.assumeTrue(LONG, "-Dpop3raw.scale.long=true runs it");
        manyMailboxes(false);
    }

    private void manyMailboxes(boolean balance) throws Exception {
        DovecotServer.Options options = DovecotServer.Options.defaults();
        for (int i = 0; i < MAILBOXES; i++) {
            options.user("box" + i, PASSWORD);
        }
        dovecot = DovecotServer.start(options);
        List<String> args = new ArrayList<>(List.of("pop3Port=" + dovecot.pop3Port(), "user=box",
                "mailboxes=" + MAILBOXES, "pool=4", "password=" + PASSWORD, "pgPort=" + pg.port(), "delay=300",
                "max=1", "delete=true", "zk=" + zk.connectString(), "zkSessionMs=" + SESSION_MS, "zkBase=" + zkBase,
                "routeEvents=true"));
        if (balance) {
            args.add("balance=1000");
        }
        for (String node : List.of("a", "b", "c")) {
            nodes.start(node, args);
        }
        awaitLeadershipSettled("after the start");
        Map<String, String> first = mailRound(1, Duration.ofSeconds(60));
        Map<String, Integer> threads1 = threads(List.of("a", "b", "c"));
        Map<String, String> second = mailRound(2, Duration.ofSeconds(60));
        Map<String, Integer> threads2 = threads(List.of("a", "b", "c"));
        Map<String, Integer> spread = spread(second);
        String busiest = spread.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Instant killed = Instant.now();
        nodes.kill(busiest);
        Map<String, String> third = mailRound(3, Duration.ofSeconds(90));
        Duration moved = lastMoveAfter(busiest, second, killed);
        awaitLeadershipSettled("after the kill"); // the survivors balance their new share
        Map<String, String> fourth = mailRound(4, Duration.ofSeconds(60));
        System.out.printf("ZK MAILBOXES balance=%s: spread %s, %s; node %s killed: its mailboxes consumed by the"
                + " survivors %d ms after the kill at the latest; spread right after %s, then %s; threads per node %s,"
                + " one round later %s%n", balance, spread(first), spread, busiest, moved.toMillis(), spread(third),
                spread(fourth), threads1, threads2);
        assertTrue(moved.compareTo(TAKEOVER_BOUND) < 0, "mailboxes moved after " + moved);
        for (String node : threads1.keySet()) {
            if (threads2.containsKey(node)) {
                assertTrue(threads2.get(node) <= threads1.get(node) + 3, "threads of " + node + " grew: " + threads1
                        + " -> " + threads2);
            }
        }
        if (balance) {
            assertEquals(Map.of("a", 10, "b", 10, "c", 10), spread, "each node leads its fair share");
            assertEquals(List.of(15, 15), List.copyOf(spread(fourth).values()), "the survivors share the 30");
        } else {
            assertEquals(List.of(MAILBOXES), List.copyOf(spread.values()), "one node leads every mailbox");
        }
    }

    /**
     * Waits until no node has started or stopped a route for {@link #LEADERSHIP_QUIET} (the routes start and stop as
     * their nodes take and give up leadership, and the balancer acts every second), so that a mail round measures a
     * settled spread and not a hand-over in progress. A condition, not a fixed sleep: on a loaded machine the
     * balancing takes longer.
     */
    private void awaitLeadershipSettled(String when) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            ClusterRecords.RouteEventCount count = records.routeEventCount();
            if (count.last() != null && count.last().plus(LEADERSHIP_QUIET).isBefore(Instant.now())) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the leadership did not settle " + when + ": " + count);
            Thread.sleep(200);
        }
    }

    /**
     * Delivers two messages to every mailbox and waits until all are processed; asserts that each mailbox's two were
     * routed by one node (two polls, maxMessagesPerPoll=1: a second node polling it would likely take one) and
     * returns mailbox -> node.
     */
    private Map<String, String> mailRound(int round, Duration timeout) throws Exception {
        int before = records.rows();
        for (int i = 0; i < MAILBOXES; i++) {
            for (int m = 0; m < 2; m++) {
                dovecot.deliver("box" + i, "From: load@example.com\r\nSubject: round " + round + " message " + m
                        + "\r\n\r\nbody\r\n");
            }
        }
        awaitRows(before + 2 * MAILBOXES, timeout, "in mail round " + round);
        Map<String, String> owner = new TreeMap<>();
        Map<String, Set<String>> routedBy = new TreeMap<>();
        for (Row row : records.rowsAfter(before)) {
            String mailbox = row.uidl().substring(0, row.uidl().indexOf('/'));
            routedBy.computeIfAbsent(mailbox, k -> new java.util.TreeSet<>()).add(row.node());
            owner.put(mailbox, row.node());
        }
        routedBy.forEach((mailbox, by) -> assertEquals(1, by.size(),
                "round " + round + ": " + mailbox + " routed by " + by));
        assertEquals(MAILBOXES, owner.size(), "round " + round + ": every mailbox consumed");
        return owner;
    }

    /** From the kill to the first row of each of the killed node's mailboxes (on another node), the longest. */
    private Duration lastMoveAfter(String killed, Map<String, String> owners, Instant at) throws Exception {
        Duration longest = Duration.ZERO;
        for (Row row : records.firstRowPerMailboxAfter(at)) {
            if (killed.equals(owners.get(row.uidl().substring(0, row.uidl().indexOf('/'))))) {
                longest = max(longest, Duration.between(at, row.at()));
            }
        }
        return longest;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Map<String, Integer> spread(Map<String, String> owners) {
        Map<String, Integer> spread = new TreeMap<>();
        owners.values().forEach(node -> spread.merge(node, 1, Integer::sum));
        return spread;
    }

    /** Each running node's thread count, from /proc/<pid>/status. */
    private Map<String, Integer> threads(List<String> names) throws Exception {
        Map<String, Integer> threads = new TreeMap<>();
        for (String name : names) {
            long pid = nodes.pid(name);
            if (pid > 0) {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("Threads:")) {
                        threads.put(name, Integer.parseInt(line.substring(8).trim()));
                    }
                }
            }
        }
        return threads;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private List<String> nodeArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("pop3Port=" + dovecot.pop3Port(), "user=" + USER,
                "password=" + PASSWORD, "pgPort=" + pg.port(), "delay=200", "zk=" + zk.connectString(),
                "zkSessionMs=" + SESSION_MS, "zkBase=" + zkBase,
                // -Dpop3raw.zk.defaults=true: camel-zookeeper's own Curator client instead of RejoiningZooKeeperClusterService's
                "zkDefaults=" + Boolean.getBoolean("pop3raw.zk.defaults")));
        args.addAll(List.of(extra));
        return args;
    }

    private List<String> deliver(int n) throws Exception {
        return deliver(0, n);
    }

    private List<String> deliver(int from, int n) throws Exception {
        return mailbox().deliver(from, n, "z");
    }

    /**
     * Stops early when nothing moved for 40 s: more than two lease periods of a message leased by a killed node.
     */
    private Map<String, Integer> awaitAllProcessed(List<String> uidls, long deadline) throws Exception {
        return mailbox().awaitAllProcessed(uidls, deadline, Duration.ofSeconds(40));
    }

    private int awaitMailboxCount(int expected) throws Exception {
        return mailbox().awaitMessageCount(expected, System.currentTimeMillis() + 30_000);
    }

    private SharedMailbox mailbox() {
        return new SharedMailbox(dovecot, USER, records);
    }

    private void report(String what, Failover run, long t0) throws Exception {
        List<Long> ms = run.takeovers().stream().map(Duration::toMillis).sorted().toList();
        System.out.printf("ZK FAILOVER %s: %d messages, %d processed, %d lost, %d duplicates, %d kills; takeover ms"
                + " median %d, max %d, all %s; rows per node %s; %s%n", what, run.uidls().size(), run.counts().size(),
                run.lost().size(), run.duplicates(), run.kills(), ms.isEmpty() ? -1 : ms.get(ms.size() / 2),
                ms.isEmpty() ? -1 : ms.get(ms.size() - 1), ms, records.countsByNode(), ClusterNodes.since(t0));
    }
}
