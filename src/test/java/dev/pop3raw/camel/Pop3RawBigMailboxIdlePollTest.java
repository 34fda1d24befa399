package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.PostgresServer;

/**
 * Big mailboxes: a mailbox of {@value #DEFAULT_SIZE} messages (system property {@code pop3raw.bigMailbox.size}),
 * every one of them already in Camel's {@link JdbcMessageIdRepository} on PostgreSQL. An idle poll (nothing new)
 * is timed, and the repository's SQL statements are counted ({@link CountingJdbcMessageIdRepository}).
 * <p>
 * <b>Today</b> (no cache of confirmed keys in the consumer) every idle poll makes one {@code SELECT COUNT(*)} per
 * listed message. The local cache of confirmed keys (branch {@code perf}) is to bring the second and later idle
 * polls down to (almost) no query: {@link #EXPECT_CONFIRMED_KEY_CACHE} is {@code true} since it is merged.
 */
class Pop3RawBigMailboxIdlePollTest {

    /** True since the consumer's cache of confirmed keys (branch perf, confirmedKeyCacheSize) is merged. */
    static final boolean EXPECT_CONFIRMED_KEY_CACHE = true;
    /** With the cache, a warm idle poll may still ask the repository this many times (new or unconfirmed keys). */
    static final int WARM_POLL_QUERY_ALLOWANCE = 10;
    static final int DEFAULT_SIZE = 100_000;

    @Test
    @Timeout(900)
    void idlePollOfAFullySeenBigMailbox() throws Exception {
        int size = Integer.getInteger("pop3raw.bigMailbox.size", DEFAULT_SIZE);
        try (PostgresServer pg = PostgresServer.start();
                DovecotServer dovecot = DovecotServer.start(DovecotServer.Options.defaults().user("big", "secret"));
                HikariDataSource ds = pool(pg)) {
            long t = System.nanoTime();
            byte[] mail = "From: a@example.com\r\nSubject: old\r\n\r\nseen long ago\r\n".getBytes();
            for (int i = 0; i < size; i++) {
                dovecot.deliver("big", mail);
            }
            System.out.printf("big mailbox: %d messages delivered in %s%n", size, since(t));
            t = System.nanoTime();
            List<String> uidls = new ArrayList<>(size);
            try (Pop3Client client = Pop3Client.connect(dovecot.host(), dovecot.pop3Port(),
                    Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).readTimeout(Duration.ofMinutes(5)).build())) {
                client.login("big", "secret");
                client.listing().forEach(m -> uidls.add(m.uidl()));
                client.quit();
            }
            System.out.printf("big mailbox: first listing (Dovecot indexes) in %s%n", since(t));
            assertEquals(size, uidls.size());

            CountingJdbcMessageIdRepository repo = new CountingJdbcMessageIdRepository(ds, "pop3raw");
            repo.setCreateTableIfNotExists(true);
            repo.start();
            String mailbox = "big@127.0.0.1:" + dovecot.pop3Port() + "/";
            t = System.nanoTime();
            seen(ds, mailbox, uidls);
            System.out.printf("big mailbox: %d keys written to the repository in %s%n", size, since(t));

            CamelContext context = new DefaultCamelContext();
            context.getRegistry().bind("seenMail", repo);
            context.start();
            try {
                Pop3RawEndpoint endpoint = context.getEndpoint("pop3raw:127.0.0.1:" + dovecot.pop3Port()
                        + "?username=big&password=secret&tls=none"
                        + "&idempotentRepository=#seenMail&startScheduler=false"
                        + "&readTimeout=300000", Pop3RawEndpoint.class);
                AtomicLong routed = new AtomicLong();
                Pop3RawConsumer consumer = (Pop3RawConsumer) endpoint
                        .createConsumer(exchange -> routed.incrementAndGet());
                consumer.start();
                try {
                    long[] queries = new long[3];
                    Duration[] times = new Duration[3];
                    for (int poll = 0; poll < 3; poll++) {
                        repo.reset();
                        t = System.nanoTime();
                        assertEquals(0, consumer.poll(), "nothing new");
                        times[poll] = since(t);
                        queries[poll] = repo.statements();
                        System.out.printf("big mailbox: idle poll %d of %d messages: %s, %d repository statements"
                                + " (%d contains, %d add)%n", poll + 1, size, times[poll], queries[poll],
                                repo.contains.get(), repo.adds.get());
                    }
                    assertEquals(0, routed.get());
                    // what holds today and after the cache: never more than one look-up per listed message
                    for (long q : queries) {
                        assertTrue(q <= size, q + " statements for " + size + " messages");
                    }
                    if (EXPECT_CONFIRMED_KEY_CACHE) {
                        assertTrue(queries[1] <= WARM_POLL_QUERY_ALLOWANCE && queries[2] <= WARM_POLL_QUERY_ALLOWANCE,
                                "warm idle polls must not ask the repository per message: " + queries[1] + ", "
                                        + queries[2]);
                    } else {
                        // today: one SELECT per message and poll (drop this when the cache lands)
                        assertEquals(size, queries[1], "no cache yet: one look-up per listed message");
                    }
                } finally {
                    consumer.stop();
                }
            } finally {
                context.stop();
            }
        }
    }

    private static void seen(HikariDataSource ds, String mailbox, List<String> uidls) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            int n = 0;
            for (String uidl : uidls) {
                ps.setString(1, "pop3raw");
                ps.setString(2, mailbox + uidl);
                ps.setTimestamp(3, now);
                ps.addBatch();
                if (++n % 5000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private static HikariDataSource pool(PostgresServer pg) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl() + "?reWriteBatchedInserts=true");
        hc.setUsername(PostgresServer.USER);
        hc.setMaximumPoolSize(4);
        return new HikariDataSource(hc);
    }

    private static Duration since(long nanos) {
        return Duration.ofMillis((System.nanoTime() - nanos) / 1_000_000);
    }

    /** Camel's JDBC repository, counting the SQL statements it sends (one per call of the methods below). */
    static final class CountingJdbcMessageIdRepository extends JdbcMessageIdRepository {
        final AtomicLong contains = new AtomicLong();
        final AtomicLong adds = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();

        CountingJdbcMessageIdRepository(javax.sql.DataSource ds, String processorName) {
            super(ds, processorName);
        }

        @Override
        protected int queryForInt(String key) {
            contains.incrementAndGet();
            return super.queryForInt(key);
        }

        @Override
        protected int insert(String key) {
            adds.incrementAndGet();
            return super.insert(key);
        }

        @Override
        protected int delete(String key) {
            deletes.incrementAndGet();
            return super.delete(key);
        }

        long statements() {
            return contains.get() + adds.get() + deletes.get();
        }

        void reset() {
            contains.set(0);
            adds.set(0);
            deletes.set(0);
        }
    }
}
