package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ConfirmedKeyCacheTest {

    @Test
    void remembersWhatWasConfirmedOrFoundPresent() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        assertFalse(cache.knownProcessed("u1"));
        cache.confirmed("u1");
        cache.foundPresent("u2");
        assertTrue(cache.knownProcessed("u1"));
        assertTrue(cache.knownProcessed("u2"));
    }

    @Test
    void isBoundedOldestFirst() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(3, 0);
        for (int i = 1; i <= 5; i++) {
            cache.confirmed("u" + i);
        }
        assertEquals(3, cache.size());
        assertFalse(cache.knownProcessed("u1"));
        assertFalse(cache.knownProcessed("u2"));
        assertTrue(cache.knownProcessed("u5"));
    }

    @Test
    void keepsOnlyWhatTheServerStillLists() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        cache.confirmed("gone");
        cache.confirmed("kept");
        cache.retainListed(Set.of("kept", "new"));
        assertEquals(1, cache.size());
        assertFalse(cache.knownProcessed("gone"));
    }

    @Test
    void aFailedExchangeIsForgotten() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        cache.foundPresent("u1");
        cache.forget("u1");
        assertFalse(cache.knownProcessed("u1"));
    }

    @Test
    void entriesAreRevalidatedAfterTheirTtl() {
        AtomicLong nanos = new AtomicLong();
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 20, nanos::get);
        cache.confirmed("u1");
        nanos.addAndGet(20_000_000);
        assertTrue(cache.knownProcessed("u1"), "exactly as old as the TTL: still trusted");
        nanos.addAndGet(1);
        assertFalse(cache.knownProcessed("u1"), "older than the TTL: the repository is asked again");
    }

    @Test
    void sizeZeroDisablesIt() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(0, 0);
        assertFalse(cache.enabled());
        cache.confirmed("u1");
        assertFalse(cache.knownProcessed("u1"));
        assertEquals(0, cache.size());
    }
}
