package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.CountingMemoryRepository;
import dev.pop3raw.testing.PostgresServer;
import dev.pop3raw.testing.RepositoryCalls;

/**
 * What a message costs in idempotent-repository operations on the success path, counted by repositories that are
 * Camel's own with a counter on top (so that claims=auto sees their real type): at most two (a lookup at selection and
 * the processed key on success) where nothing is shared, the lease's operations where the repository is shared.
 */
class Pop3RawRepositoryCostTest extends ScriptedMailboxTestSupport {

    private static final int MESSAGES = 20;

    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final RepositoryCalls counter = new RepositoryCalls();

    @Test
    void memoryRepositoryTwoOperationsPerMessage() throws Exception {
        Map<String, Long> ops = run(new CountingMemoryRepository(counter), "");
        assertEquals(Map.of("add", (long) MESSAGES, "contains", (long) MESSAGES), ops);
    }

    @Test
    void fileRepositoryTwoOperationsPerMessage(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        CountingFileRepository repo = new CountingFileRepository(counter);
        repo.setFileStore(dir.resolve("seen.txt").toFile());
        Map<String, Long> ops = run(repo, "");
        assertEquals(Map.of("add", (long) MESSAGES, "contains", (long) MESSAGES), ops);
        assertEquals(MESSAGES, Files.readAllLines(dir.resolve("seen.txt")).size(), "only processed keys in the file");
    }

    @Test
    void jdbcRepositoryLeasesByDefaultAndTwoOperationsWithClaimsNone() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            CountingJdbcRepository repo = new CountingJdbcRepository(counter, pg);
            repo.setCreateTableIfNotExists(true);
            // claims=auto: a lease per message (contains at selection; add + 3 contains to claim; add the processed
            // key; remove the lease's key)
            Map<String, Long> ops = run(repo, "");
            assertEquals(Map.of("add", 2L * MESSAGES, "contains", 4L * MESSAGES, "remove", (long) MESSAGES), ops);
        }
    }

    @Test
    void jdbcRepositoryWithClaimsNoneTwoOperationsPerMessage() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            CountingJdbcRepository repo = new CountingJdbcRepository(counter, pg);
            repo.setCreateTableIfNotExists(true);
            Map<String, Long> ops = run(repo, "&claims=none"); // only one consumer (e.g. under leader election)
            assertEquals(Map.of("add", (long) MESSAGES, "contains", (long) MESSAGES), ops);
        }
    }

    /** Consumes MESSAGES messages in delete mode and some idle polls after; returns the operations counted. */
    private Map<String, Long> run(IdempotentRepository repo, String options) throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            stub.add("m" + i, "Subject: m" + i + "\r\n\r\nbody " + i + "\r\n");
        }
        context.getRegistry().bind("repo", repo);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "delete=true&idempotentRepository=#repo" + options)).routeId("pop")
                        .process(e -> processed.add(e.getExchangeId()));
            }
        });
        await(() -> stub.uidls().isEmpty(), "all consumed and deleted");
        int sessions = stub.sessions.size();
        await(() -> stub.sessions.size() >= sessions + 3, "idle polls");
        assertEquals(MESSAGES, processed.size(), processed.toString());
        Map<String, Long> ops = counter.snapshot();
        long total = ops.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("repository operations, %s%s: %s, %.1f per message%n", repo.getClass().getSuperclass()
                .getSimpleName(), options, ops, (double) total / MESSAGES);
        assertTrue(total <= 7L * MESSAGES, ops.toString());
        return ops;
    }

    static final class CountingFileRepository extends FileIdempotentRepository {
        private final RepositoryCalls counter;

        CountingFileRepository(RepositoryCalls counter) {
            this.counter = counter;
        }

        @Override
        public boolean add(String key) {
            counter.count("add");
            return super.add(key);
        }

        @Override
        public boolean contains(String key) {
            counter.count("contains");
            return super.contains(key);
        }

        @Override
        public boolean remove(String key) {
            counter.count("remove");
            return super.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            counter.count("confirm");
            return super.confirm(key);
        }
    }

    static final class CountingJdbcRepository extends JdbcMessageIdRepository {
        private final RepositoryCalls counter;

        CountingJdbcRepository(RepositoryCalls counter, PostgresServer pg) {
            super(pg.dataSource(), "pop3raw-cost");
            this.counter = counter;
        }

        @Override
        public boolean add(String key) {
            counter.count("add");
            return super.add(key);
        }

        @Override
        public boolean contains(String key) {
            counter.count("contains");
            return super.contains(key);
        }

        @Override
        public boolean remove(String key) {
            counter.count("remove");
            return super.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            counter.count("confirm");
            return super.confirm(key);
        }
    }

}
