package dev.pop3raw.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteStartedEvent;
import org.apache.camel.spi.CamelEvent.RouteStoppedEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pop3raw.camel.Pop3RawConstants;
import dev.pop3raw.camel.cluster.FairShareLeadership;
import dev.pop3raw.camel.cluster.RejoiningZooKeeperClusterService;

/**
 * One node of the scale-out tests, run in a JVM of its own ({@link ClusterNodes} starts it): a Camel context with a
 * {@code pop3raw:} route whose idempotent repository is Camel's {@link JdbcMessageIdRepository} on the shared
 * PostgreSQL, optionally under a {@link ClusteredRoutePolicy} with a {@link FileLockClusterService} (shared lock
 * directory), so that only the leader polls.
 * <p>
 * The route's work is one row in {@code processed(uidl, node, at, batch_index, batch_size)} (the last two: the
 * exchange's BATCH_INDEX and BATCH_SIZE, where it was in its poll), inserted (auto-commit) while the exchange is
 * routed, between two sleeps of {@code workMs/2}: a SIGKILL can land before the insert, between the insert and the
 * consumer's commit, or between messages. The tests count the rows per UIDL.
 * <p>
 * Arguments, {@code key=value}: {@code node}, {@code pop3Port}, {@code user}, {@code password}, {@code pgPort},
 * {@code mode} ({@code consumer}: the endpoint's repository; {@code transactional}: claim and work in one
 * transaction), {@code lockDir} or {@code zk}, {@code zkSessionMs}, {@code zkBase}, {@code zkDefaults} (the cluster service, see
 * {@link #clusterService}; neither: no leadership, the route always polls), {@code delete} (true/false), {@code max}
 * (maxMessagesPerPoll), {@code workMs}, {@code delay} (poll delay, ms), {@code extra} (more endpoint options),
 * {@code mailboxes} (N routes on users {@code <user>0..N-1}, each with a namespace of its own), {@code pool} (one
 * shared scheduler pool of that many threads for every endpoint), {@code balance} (run {@link FairShareLeadership}
 * every that many ms), {@code routeEvents} (true: record each start and stop of the routes in {@code route_events}).
 * Prints {@code STARTED} once the context runs, and runs until killed.
 */
public final class ClusterNode {

    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String node = a.get("node");
        long workMs = Long.parseLong(a.getOrDefault("workMs", "0"));

        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + a.get("pgPort") + "/pop3raw");
        hc.setUsername("pop3raw");
        hc.setMaximumPoolSize(4);
        hc.setPoolName("node-" + node);
        HikariDataSource ds = new HikariDataSource(hc);

        JdbcMessageIdRepository repo = new JdbcMessageIdRepository(ds, "pop3raw");
        repo.setCreateTableIfNotExists(true);

        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("seenMail", repo);
        CamelClusterService cluster = clusterService(a, node);
        boolean leaderOnly = cluster != null;
        if (leaderOnly) {
            context.addService(cluster);
        }
        if (Boolean.parseBoolean(a.getOrDefault("routeEvents", "false"))) {
            recordRouteEvents(context, ds, node);
        }
        if (a.containsKey("pool")) {
            // one scheduler pool for every endpoint of the node (docs/operations.adoc, "Many mailboxes")
            context.getRegistry().bind("pop3Pool", new ScheduledThreadPoolExecutor(Integer.parseInt(a.get("pool"))));
        }
        // consumer: the endpoint's idempotentRepository claims each message before routing (add), the route's work
        //   is committed on its own;
        // transactional: delete=true without an endpoint repository; the route claims the key in the same
        //   PostgreSQL transaction as its work, so a kill rolls back both (docs/operations.adoc, "exactly once")
        boolean transactional = "transactional".equals(a.getOrDefault("mode", "consumer"));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        // mailboxes=N: N routes, on the users <user>0 .. <user>N-1 (same password), each under its own namespace;
        // else one route on <user>
        int mailboxes = Integer.parseInt(a.getOrDefault("mailboxes", "0"));
        List<String> users = new ArrayList<>();
        for (int i = 0; i < mailboxes; i++) {
            users.add(a.get("user") + i);
        }
        if (mailboxes == 0) {
            users.add(a.get("user"));
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (String user : users) {
                    String uri = "pop3raw:127.0.0.1:" + a.get("pop3Port") + "?username=" + user + "&password=RAW("
                            + a.get("password") + ")" + (transactional ? "" : "&idempotentRepository=#seenMail")
                            + "&delete=" + (transactional ? "true" : a.getOrDefault("delete", "true"))
                            + "&maxMessagesPerPoll=" + a.getOrDefault("max", "0") + "&tls=none&initialDelay=0&delay="
                            + a.getOrDefault("delay", "200") + "&readTimeout=30000&connectTimeout=5000"
                            + (a.containsKey("pool") ? "&scheduledExecutorService=#pop3Pool" : "")
                            + (a.containsKey("extra") ? "&" + a.get("extra") : "");
                    var route = from(uri).routeId(mailboxes == 0 ? "mail-" + node : user);
                    if (leaderOnly) {
                        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(context,
                                mailboxes == 0 ? "pop3raw-mail" : "pop3raw-" + user);
                        policy.setInitialDelay(Duration.ZERO);
                        route.routePolicy(policy);
                    }
                    // the row's key: the UIDL, prefixed with the user when there are many mailboxes
                    String prefix = mailboxes == 0 ? "" : user + "/";
                    work(route, prefix);
                }
            }

            private void work(RouteDefinition route, String prefix) {
                if (!transactional) {
                    route.process(exchange -> {
                        String uidl = prefix + exchange.getMessage().getHeader(Pop3RawConstants.UIDL, String.class);
                        pause(workMs / 2);
                        record(ds, uidl, node, batchIndex(exchange), batchSize(exchange));
                        pause(workMs - workMs / 2);
                    });
                } else {
                    route.process(exchange -> {
                        String raw = exchange.getMessage().getHeader(Pop3RawConstants.UIDL, String.class);
                        String uidl = prefix + raw;
                        String key = exchange.getMessage().getHeader(Pop3RawConstants.MAILBOX, String.class) + "/"
                                + raw;
                        // one transaction: the claim (Camel's JDBC repository joins it: same DataSource) and the work.
                        // A concurrent claim of the same key by another node waits on the primary key until this
                        // transaction ends; a kill rolls both back and the message is still on the server.
                        tx.executeWithoutResult(status -> {
                            if (!repo.add(exchange, key)) {
                                return; // done before (its deletion was not committed): success, the consumer deletes it
                            }
                            try {
                                pause(workMs / 2);
                                new JdbcTemplate(ds).update(
                                        "INSERT INTO processed (uidl, node, at, batch_index, batch_size)"
                                                + " VALUES (?, ?, ?, ?, ?)",
                                        uidl, node,
                                        Timestamp.from(Instant.now()), batchIndex(exchange), batchSize(exchange));
                                pause(workMs - workMs / 2);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                        });
                    });
                }
            }
        });
        context.start();
        if (leaderOnly && a.containsKey("balance")) {
            // balance=<ms>: FairShareLeadership every <ms> on one thread of its own
            long period = Long.parseLong(a.get("balance"));
            context.getExecutorServiceManager().newSingleThreadScheduledExecutor(context, "fair-share")
                    .scheduleWithFixedDelay(new FairShareLeadership(cluster), period, period, TimeUnit.MILLISECONDS);
        }
        System.out.println("STARTED " + node);
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    /**
     * The node's cluster service: {@code lockDir=<dir>}: {@link FileLockClusterService} on that directory;
     * {@code zk=<host:port,...>}: the component's {@link RejoiningZooKeeperClusterService} on that ensemble (session
     * timeout {@code zkSessionMs}, default 5000), or camel-zookeeper's {@link ZooKeeperClusterService} as it comes with
     * {@code zkDefaults=true}; neither: none (every route polls).
     */
    static CamelClusterService clusterService(Map<String, String> a, String node) {
        if (a.containsKey("lockDir")) {
            FileLockClusterService cluster = new FileLockClusterService();
            cluster.setId("node-" + node);
            cluster.setRoot(a.get("lockDir"));
            cluster.setAcquireLockDelay(200, TimeUnit.MILLISECONDS);
            cluster.setAcquireLockInterval(500, TimeUnit.MILLISECONDS);
            cluster.setHeartbeatTimeoutMultiplier(3);
            return cluster;
        }
        if (a.containsKey("zk")) {
            // zkDefaults=true: camel-zookeeper as it comes (its own Curator client), only the session timeout shortened
            ZooKeeperClusterService cluster = Boolean.parseBoolean(a.getOrDefault("zkDefaults", "false"))
                    ? new ZooKeeperClusterService()
                    : new RejoiningZooKeeperClusterService();
            cluster.setId("node-" + node);
            cluster.setNodes(a.get("zk"));
            cluster.setBasePath(a.getOrDefault("zkBase", "/camel/pop3raw"));
            cluster.setSessionTimeout(Integer.parseInt(a.getOrDefault("zkSessionMs", "5000")));
            return cluster;
        }
        return null;
    }

    /**
     * Records each start and stop of the node's routes in {@code route_events} (ClusterRecords): under a
     * {@link ClusteredRoutePolicy} the route starts when the node takes the lead and stops when it gives it up.
     */
    private static void recordRouteEvents(CamelContext context, DataSource ds, String node) {
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) throws Exception {
                String what = event instanceof RouteStartedEvent
                        ? "started"
                        : event instanceof RouteStoppedEvent ? "stopped" : null;
                if (what == null) {
                    return;
                }
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO route_events (node, event, at) VALUES (?, ?, ?)")) {
                    ps.setString(1, node);
                    ps.setString(2, what);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
            }
        });
    }

    static void record(DataSource ds, String uidl, String node, int batchIndex, int batchSize) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO processed (uidl, node, at, batch_index, batch_size) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, uidl);
            ps.setString(2, node);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setInt(4, batchIndex);
            ps.setInt(5, batchSize);
            ps.executeUpdate();
        }
    }

    /** The exchange's position in its poll (0-based; -1 if unknown), for the tests' "killed mid-batch" check. */
    static int batchIndex(Exchange exchange) {
        Integer i = exchange.getProperty(ExchangePropertyKey.BATCH_INDEX, Integer.class);
        return i == null ? -1 : i;
    }

    /** How many exchanges its poll delivers (-1 if unknown). */
    static int batchSize(Exchange exchange) {
        Integer n = exchange.getProperty(ExchangePropertyKey.BATCH_SIZE, Integer.class);
        return n == null ? -1 : n;
    }

    private static void pause(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
