package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The claims option (AUTO, LEASE, NONE) and what a claim costs in each mode; leases: {@link MessageLeasesTest}. */
class MessageClaimsTest {

    private static final long PERIOD = 1000;
    private static final MailboxKey MAILBOX = new MailboxKey("alice", "pop.example.com", 995);

    private final AtomicLong clock = new AtomicLong(10 * PERIOD);

    @Test
    void autoTakesNoClaimsForTheRepositoriesThatCannotBeSharedBetweenJvms(@TempDir Path dir) {
        assertSame(ClaimMode.NONE, ClaimMode.AUTO.resolve(new MemoryIdempotentRepository()));
        assertSame(ClaimMode.NONE, ClaimMode.AUTO.resolve(
                FileIdempotentRepository.fileIdempotentRepository(dir.resolve("seen.txt").toFile())));
        assertSame(ClaimMode.LEASE, ClaimMode.AUTO.resolve(new SomeSharedRepository()), "JDBC, Redis...: leases");
        assertSame(ClaimMode.LEASE, ClaimMode.LEASE.resolve(new MemoryIdempotentRepository()), "as asked");
        assertSame(ClaimMode.NONE, ClaimMode.NONE.resolve(new SomeSharedRepository()), "as asked");
    }

    @Test
    void withoutClaimsAMessageCostsTheProcessedKeyOnly() {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        MessageClaims claims = MessageClaims.create(repo, MAILBOX, ClaimMode.AUTO, PERIOD, clock::get);
        assertSame(ClaimMode.NONE, claims.mode());
        assertNull(claims.leases());
        MessageClaims.Claim c = claims.claim(null, "u1");
        assertNotNull(c);
        assertEquals(0, repo.getCacheSize(), "no key while the message is routed");
        claims.succeeded(null, c);
        assertTrue(claims.isProcessed("u1"));
        assertEquals(1, repo.getCacheSize());
    }

    @Test
    void withoutClaimsAFailureLeavesNothing() {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        MessageClaims claims = MessageClaims.create(repo, MAILBOX, ClaimMode.NONE, PERIOD, clock::get);
        claims.failed(null, claims.claim(null, "u1"));
        assertEquals(0, repo.getCacheSize());
        assertFalse(claims.isProcessed("u1"));
    }

    @Test
    void withLeasesSuccessAddsTheProcessedKeyBeforeTheLeaseIsReleased() {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository() {
            @Override
            public boolean remove(String key) {
                assertTrue(contains(MAILBOX.keyOf("u1")), "never a moment without either key");
                return super.remove(key);
            }
        };
        repo.start();
        MessageClaims a = MessageClaims.create(repo, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        MessageClaims b = MessageClaims.create(repo, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        MessageClaims.Claim c = a.claim(null, "u1");
        assertNotNull(c);
        assertNull(b.claim(null, "u1"), "leased by a");
        assertFalse(b.isProcessed("u1"), "a lease is not a processed message");
        a.succeeded(null, c);
        assertTrue(b.isProcessed("u1"));
        assertEquals(1, repo.getCacheSize(), "only the processed key stays");
        assertNull(b.claim(null, "u1"), "processed: never claimed again");
        assertEquals(0, a.leases().activeCount());
    }

    @Test
    void withLeasesAFailureReleasesTheLeaseAndTheMessageIsOfferedAgain() {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        repo.start();
        MessageClaims a = MessageClaims.create(repo, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        MessageClaims b = MessageClaims.create(repo, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        a.failed(null, a.claim(null, "u1"));
        assertEquals(0, repo.getCacheSize());
        assertNotNull(b.claim(null, "u1"));
    }

    @Test
    void aFailureToRecordTheProcessedKeyStillReleasesTheLease() {
        SomeSharedRepository repo = new SomeSharedRepository() {
            @Override
            public boolean add(String key) {
                if (!key.contains("#claim-")) {
                    throw new IllegalStateException("database down");
                }
                return super.add(key);
            }
        };
        MessageClaims a = MessageClaims.create(repo, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        MessageClaims.Claim c = a.claim(null, "u1");
        assertThrows(IllegalStateException.class, () -> a.succeeded(null, c));
        assertEquals(0, a.leases().activeCount(), "not renewed any more");
        assertEquals(Set.of(), repo.keys, "released: the message is offered again, not blocked by a lease of its own");
        assertNotNull(a.claim(null, "u1"));
    }

    @Test
    void whatAMessageCostsOnTheSuccessPath() {
        CountingRepository none = new CountingRepository();
        MessageClaims n = MessageClaims.create(none, MAILBOX, ClaimMode.NONE, PERIOD, clock::get);
        n.isProcessed("u1");
        n.succeeded(null, n.claim(null, "u1"));
        assertEquals(2, none.calls.get(), "without claims: contains + add");

        CountingRepository lease = new CountingRepository();
        MessageClaims l = MessageClaims.create(lease, MAILBOX, ClaimMode.LEASE, PERIOD, clock::get);
        l.isProcessed("u1");
        l.succeeded(null, l.claim(null, "u1"));
        // contains at selection; add + 3 contains to claim; add the processed key; remove the lease's key
        assertEquals(7, lease.calls.get(), "with a lease (route shorter than a period)");
    }

    /** Not one of Camel's in-JVM repositories (as a JDBC one): AUTO takes leases for it. */
    private static class SomeSharedRepository extends ServiceSupport implements IdempotentRepository {
        final Set<String> keys = ConcurrentHashMap.newKeySet();

        @Override
        public boolean add(String key) {
            return keys.add(key);
        }

        @Override
        public boolean contains(String key) {
            return keys.contains(key);
        }

        @Override
        public boolean remove(String key) {
            return keys.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            return true;
        }

        @Override
        public void clear() {
            keys.clear();
        }
    }

    private static final class CountingRepository extends SomeSharedRepository {
        final AtomicLong calls = new AtomicLong();

        @Override
        public boolean add(String key) {
            calls.incrementAndGet();
            return super.add(key);
        }

        @Override
        public boolean contains(String key) {
            calls.incrementAndGet();
            return super.contains(key);
        }

        @Override
        public boolean remove(String key) {
            calls.incrementAndGet();
            return super.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            calls.incrementAndGet();
            return super.confirm(key);
        }
    }
}
