package dev.pop3raw.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;

/**
 * What the {@link ClusterNode} JVMs record in the shared PostgreSQL, read by the scale-out tests: the
 * {@code processed} table (one row per routed exchange: key, node, time, place in its poll, commit order) and
 * Camel's {@code CAMEL_MESSAGEPROCESSED} (the idempotent repository's keys).
 */
final class ClusterRecords {

    /** One exchange as a node recorded it. */
    record Row(String uidl, String node, Instant at, int batchIndex, int batchSize) {

        /** Whether the exchange had messages of its poll before and after it. */
        boolean midBatch() {
            return batchIndex >= 0 && batchIndex + 1 < batchSize;
        }
    }

    /** A node's route {@code started} or {@code stopped}, as the node recorded it. */
    record RouteEvent(String node, String event, Instant at) {
    }

    private final DataSource ds;

    ClusterRecords(DataSource ds) {
        this.ds = ds;
    }

    /** Creates both tables (the repository's once, before the nodes race to do it). */
    void create() throws SQLException {
        JdbcMessageIdRepository repo = new JdbcMessageIdRepository(ds, "pop3raw");
        repo.setCreateTableIfNotExists(true);
        repo.start();
        repo.stop();
        // seq orders the rows as committed; batch_index/batch_size: where the exchange was in its poll (ClusterNode)
        sql("CREATE TABLE IF NOT EXISTS processed (uidl VARCHAR(100) NOT NULL, node VARCHAR(20) NOT NULL,"
                + " at TIMESTAMP NOT NULL, batch_index INT, batch_size INT, seq BIGSERIAL)");
        // a node's route started or stopped (ClusterNode, routeEvents=true): when it took or gave up leadership
        sql("CREATE TABLE IF NOT EXISTS route_events (node VARCHAR(20) NOT NULL, event VARCHAR(20) NOT NULL,"
                + " at TIMESTAMP NOT NULL, seq BIGSERIAL)");
    }

    void clear() throws SQLException {
        sql("DELETE FROM processed");
        sql("DELETE FROM CAMEL_MESSAGEPROCESSED");
        sql("DELETE FROM route_events");
    }

    void sql(String statement) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    int count(String query) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    int rows() throws SQLException {
        return count("SELECT COUNT(*) FROM processed");
    }

    /** The newest row (of {@code node}, or of any node when null); null when there is none. */
    Row latest(String node) throws SQLException {
        List<Row> rows = select(node == null ? "" : "WHERE node = ?", "ORDER BY seq DESC LIMIT 1",
                node == null ? List.of() : List.of(node));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The first row of another node than {@code node} stamped after {@code after}; null when there is none. */
    Row firstOfAnotherNodeAfter(String node, Instant after) throws SQLException {
        List<Row> rows = select("WHERE node <> ? AND at > ?", "ORDER BY at LIMIT 1",
                List.of(node, Timestamp.from(after)));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The rows after the first {@code rows} (in commit order). */
    List<Row> rowsAfter(int rows) throws SQLException {
        return select("", "ORDER BY seq OFFSET ?", List.of(rows));
    }

    /** Of each mailbox (the key's part before '/'), its first row stamped after {@code after}. */
    List<Row> firstRowPerMailboxAfter(Instant after) throws SQLException {
        List<Row> first = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (Row row : select("WHERE at > ?", "ORDER BY at", List.of(Timestamp.from(after)))) {
            if (seen.putIfAbsent(row.uidl().substring(0, row.uidl().indexOf('/')), true) == null) {
                first.add(row);
            }
        }
        return first;
    }

    private List<Row> select(String where, String order, List<Object> params) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT uidl, node, at, batch_index, batch_size FROM processed " + where + " " + order)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getInt(4),
                            rs.getInt(5)));
                }
            }
            return rows;
        }
    }

    /** The nodes that wrote rows after the first {@code rows} rows (in commit order). */
    Set<String> nodesSince(int rows) throws SQLException {
        Set<String> nodes = new TreeSet<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT DISTINCT node FROM (SELECT node FROM processed ORDER BY seq OFFSET ?) t")) {
            ps.setInt(1, rows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(rs.getString(1));
                }
            }
        }
        return nodes;
    }

    /** Every row, in the order of the time the nodes stamped on them. */
    List<Row> rowsByTime() throws SQLException {
        return select("", "ORDER BY at, seq", List.of());
    }

    /** The number of route events of all nodes, and the time of the last (null when there is none). */
    RouteEventCount routeEventCount() throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(at) FROM route_events")) {
            rs.next();
            Timestamp last = rs.getTimestamp(2);
            return new RouteEventCount(rs.getInt(1), last == null ? null : last.toInstant());
        }
    }

    record RouteEventCount(int events, Instant last) {
    }

    /** The route events of {@code node}, in the order recorded. */
    List<RouteEvent> routeEvents(String node) throws SQLException {
        List<RouteEvent> events = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT node, event, at FROM route_events WHERE node = ? ORDER BY seq")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new RouteEvent(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return events;
    }

    /** How many rows each key has. */
    Map<String, Integer> countsByKey() throws SQLException {
        return grouped("SELECT uidl, COUNT(*) FROM processed GROUP BY uidl", new HashMap<>());
    }

    /** How many rows each node wrote. */
    Map<String, Integer> countsByNode() throws SQLException {
        return grouped("SELECT node, COUNT(*) FROM processed GROUP BY node", new TreeMap<>());
    }

    private Map<String, Integer> grouped(String query, Map<String, Integer> into) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                into.put(rs.getString(1), rs.getInt(2));
            }
        }
        return into;
    }

    /** The repository keys matching a LIKE pattern. */
    List<String> keys(String like) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE messageId LIKE ?")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }
}
