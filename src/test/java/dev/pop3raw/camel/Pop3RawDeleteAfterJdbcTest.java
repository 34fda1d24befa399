package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pop3raw.testing.PostgresServer;
import dev.pop3raw.testing.RepositoryCalls;
import dev.pop3raw.testing.ScriptedMailbox;
import dev.pop3raw.testing.SettableClock;

/**
 * deleteAfter with Camel's JdbcMessageIdRepository on a private PostgreSQL and no state repository: the time of a
 * processed key is the repository's own createdAt, so it survives a restart and a move to another node (a new
 * CamelContext with a new repository instance on the same table). The repository writes createdAt with the JVM's
 * clock, so the test's clock starts at the present and moves forward from there.
 */
@DisplayName("deleteAfter with the JDBC idempotent repository on PostgreSQL")
class Pop3RawDeleteAfterJdbcTest extends Pop3RawCamelTestSupport {

    private static final Duration KEPT = Duration.ofDays(14);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static PostgresServer pg;
    /** Pooled, as an application's would be: an unpooled DataSource opens a connection per statement. */
    private static HikariDataSource pool;
    private static int processors;

    private ScriptedMailbox stub;
    private SettableClock clock;
    private String processorName;
    private final RepositoryCalls statements = new RepositoryCalls();
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final List<RetentionNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.start();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl() + "?reWriteBatchedInserts=true");
        hc.setUsername(PostgresServer.USER);
        hc.setMaximumPoolSize(4);
        pool = new HikariDataSource(hc);
    }

    @AfterAll
    static void stopPostgres() {
        if (pool != null) {
            pool.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = ScriptedMailbox.start();
        clock = SettableClock.startingNow();
        processorName = "retention-" + ++processors; // a table of its own per test, in effect
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(RetentionNode::close);
        stub.close();
    }

    /** A node with a repository instance of its own on the shared table, as another JVM would have. */
    private RetentionNode node() throws Exception {
        JdbcMessageIdRepository repository = new JdbcMessageIdRepository(counting(pool), processorName);
        repository.setCreateTableIfNotExists(true);
        String uri = uri(stub.port(), "startScheduler=false&idempotentRepository=#repo&deleteAfter=14d");
        RetentionNode node = new RetentionNode(uri, clock, Map.of("repo", repository), routed);
        nodes.add(node);
        return node;
    }

    private static String raw(String subject) {
        return "Subject: " + subject + "\r\nFrom: x@example.com\r\n\r\nbody of " + subject + "\r\n";
    }

    private String key(String uidl) {
        return new MailboxKey(USER, "127.0.0.1", stub.port()).keyOf(uidl);
    }

    @Test
    @DisplayName("the age survives a restart and a move to another node: createdAt is read, nothing more is stored")
    void theAgeSurvivesARestartAndAMoveToAnotherNode() throws Exception {
        stub.add("m1", raw("m1"));
        stub.add("m2", raw("m2"));
        RetentionNode a = node();
        assertEquals(2, a.poll());
        a.close();

        clock.advance(KEPT.minus(MINUTE));
        RetentionNode b = node();
        assertEquals(0, b.poll());
        assertEquals(List.of("m1", "m2"), stub.uidls(), "14 days minus a minute: kept, on the other node too");
        clock.advance(MINUTE.multipliedBy(2));
        assertEquals(0, b.poll());
        assertEquals(List.of(), stub.uidls(), "deleted by the other node");
        assertEquals(List.of("m1", "m2"), stub.retrieved, "each retrieved once");
        assertEquals(2, b.endpoint.getMessagesExpired());
    }

    @Test
    @DisplayName("a row without createdAt gets the present, written to the row: never deleted early, even after a"
            + " restart")
    void aRowWithoutCreatedAtIsNeverDeletedEarly() throws Exception {
        stub.add("m1", raw("m1"));
        RetentionNode a = node();
        a.poll();
        a.close();
        update("UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = NULL WHERE processorName = ? AND messageId = ?");
        assertNull(createdAt(key("m1")));

        clock.advance(Duration.ofDays(30));
        RetentionNode b = node();
        b.poll();
        assertEquals(List.of("m1"), stub.uidls(), "not deleted: its time was missing");
        assertNotNull(createdAt(key("m1")), "the present is recorded");
        b.close();

        clock.advance(KEPT.minus(MINUTE));
        RetentionNode c = node();
        c.poll();
        assertEquals(List.of("m1"), stub.uidls());
        clock.advance(MINUTE.multipliedBy(2));
        c.poll();
        assertEquals(List.of(), stub.uidls());
        assertEquals(1, stub.retrievals("m1"));
    }

    @Test
    @DisplayName("10,000 kept messages: the times are read in batches of 500 at a cold start, never at an idle"
            + " poll")
    void theTimesAreReadInBatchesOnceAStart() throws Exception {
        int size = 10_000;
        String mail = raw("kept");
        RetentionNode a = node();
        a.close(); // creates the table
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)")) {
            for (int i = 0; i < size; i++) {
                stub.add("u" + i, mail);
                ps.setString(1, processorName);
                ps.setString(2, key("u" + i));
                ps.setTimestamp(3, Timestamp.from(clock.instant()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        RetentionNode b = node();
        long[] selects = new long[2];
        long[] all = new long[2];
        for (int poll = 0; poll < 2; poll++) {
            Map<String, Long> before = statements.snapshot();
            assertEquals(0, b.poll());
            selects[poll] = statements.get("createdAt") - before.getOrDefault("createdAt", 0L);
            all[poll] = total(statements.snapshot()) - total(before);
        }
        System.out.printf("deleteAfter, JDBC, %d kept messages: cold poll %d SQL statements (%d createdAt batches),"
                + " idle poll %d%n", size, all[0], selects[0], all[1]);
        assertEquals(size / JdbcCreatedAtTimes.BATCH, selects[0]);
        assertEquals(0, all[1], "an idle poll sends no SQL");
        assertEquals(size, stub.uidls().size());
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private void update(String sql) throws Exception {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, processorName);
            ps.setString(2, key("m1"));
            assertEquals(1, ps.executeUpdate());
        }
    }

    private Instant createdAt(String messageId) throws Exception {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT createdAt FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId = ?")) {
            ps.setString(1, processorName);
            ps.setString(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }

    /** {@code ds}, counting the SQL statements prepared through it: "createdAt" (deleteAfter's) or "other". */
    private DataSource counting(DataSource ds) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(ds, method, args);
                    return result instanceof Connection c ? countingConnection(c) : result;
                });
    }

    private Connection countingConnection(Connection c) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                        statements.count(sql.contains("createdAt FROM") || sql.contains("SET createdAt")
                                ? "createdAt"
                                : "other");
                    }
                    return invoke(c, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
