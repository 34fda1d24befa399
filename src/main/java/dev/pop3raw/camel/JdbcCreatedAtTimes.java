package dev.pop3raw.camel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;

/**
 * First-processed times as camel-sql's {@link JdbcMessageIdRepository} keeps them: its table has a {@code createdAt}
 * column, written with the JVM's clock when a key is added. So the time of a processed key is the time the key was
 * recorded, and nothing more has to be stored. Read in batches ({@link #BATCH} keys per query), through the
 * repository's own DataSource, table and processor name, asked at each use. Loaded only when the repository is one
 * (camel-sql is an optional dependency).
 */
final class JdbcCreatedAtTimes implements FirstProcessedTimes {

    static final String REPOSITORY_CLASS = "org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository";
    /** The repository's table when its tableName is not set (JdbcMessageIdRepository's default). */
    static final String DEFAULT_TABLE = "CAMEL_MESSAGEPROCESSED";
    /** Keys per SELECT: one round trip for 500 kept messages, within every database's limit of bind parameters. */
    static final int BATCH = 500;

    /** Asked at each use: a repository configured as a bean may get its DataSource and table after this is made. */
    private final JdbcMessageIdRepository repository;

    private JdbcCreatedAtTimes(JdbcMessageIdRepository repository) {
        this.repository = repository;
    }

    static JdbcCreatedAtTimes of(IdempotentRepository repository) {
        return new JdbcCreatedAtTimes((JdbcMessageIdRepository) repository);
    }

    private DataSource dataSource() {
        if (repository.getDataSource() != null) {
            return repository.getDataSource();
        }
        if (repository.getJdbcTemplate() != null && repository.getJdbcTemplate().getDataSource() != null) {
            return repository.getJdbcTemplate().getDataSource();
        }
        throw new IllegalStateException("pop3raw: deleteAfter reads createdAt through the idempotentRepository's"
                + " DataSource, and it has none");
    }

    private String table() {
        return repository.getTableName() != null ? repository.getTableName() : DEFAULT_TABLE;
    }

    @Override
    public Map<String, Instant> find(List<String> processedKeys) {
        Map<String, Instant> found = new HashMap<>();
        try (Connection c = dataSource().getConnection()) {
            for (int from = 0; from < processedKeys.size(); from += BATCH) {
                select(c, processedKeys.subList(from, Math.min(processedKeys.size(), from + BATCH)), found);
            }
        } catch (SQLException e) {
            throw new RuntimeCamelException("pop3raw: reading createdAt of the kept messages from " + table()
                    + " failed: " + e.getMessage(), e);
        }
        return found;
    }

    private void select(Connection c, List<String> keys, Map<String, Instant> found) throws SQLException {
        String sql = "SELECT messageId, createdAt FROM " + table() + " WHERE processorName = ? AND messageId IN ("
                + "?,".repeat(keys.size() - 1) + "?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, repository.getProcessorName());
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(i + 2, keys.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(2);
                    if (at != null) {
                        found.put(rs.getString(1), at.toInstant());
                    }
                }
            }
        }
    }

    /** The repository wrote createdAt when it added the processed key: nothing more to record. */
    @Override
    public void processed(String processedKey, Instant at) {
    }

    /** A row whose createdAt is empty (written by other means) gets {@code at}; a row with a time keeps it. */
    @Override
    public void missing(String processedKey, Instant at) {
        String sql = "UPDATE " + table() + " SET createdAt = ? WHERE processorName = ? AND messageId = ?"
                + " AND createdAt IS NULL";
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, repository.getProcessorName());
            ps.setString(3, processedKey);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RuntimeCamelException("pop3raw: recording createdAt of " + processedKey + " in " + table()
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "createdAt of " + table() + " (processorName " + repository.getProcessorName() + ")";
    }
}
