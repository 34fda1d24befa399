package dev.pop3raw.camel;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static dev.pop3raw.camel.ConfirmedKeyCache.State.PRESENT;
import static dev.pop3raw.camel.ConfirmedKeyCache.State.PROCESSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ConfirmedKeyCacheTest {

    @Test
    void remembersWhatWasConfirmedOrFoundPresent() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        assertNull(cache.lookup("u1"));
        cache.confirmed("u1", PRESENT);
        cache.foundPresent("u2", PROCESSED);
        assertEquals(PRESENT, cache.lookup("u1"));
        assertEquals(PROCESSED, cache.lookup("u2"));
        assertEquals(2, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void isBoundedOldestFirst() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(3, 0);
        for (int i = 1; i <= 5; i++) {
            cache.confirmed("u" + i, PRESENT);
        }
        assertEquals(3, cache.size());
        assertNull(cache.lookup("u1"));
        assertNull(cache.lookup("u2"));
        assertEquals(PRESENT, cache.lookup("u5"));
    }

    @Test
    void keepsOnlyWhatTheServerStillLists() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        cache.confirmed("gone", PRESENT);
        cache.confirmed("kept", PRESENT);
        cache.retainListed(Set.of("kept", "new"));
        assertEquals(1, cache.size());
        assertNull(cache.lookup("gone"));
    }

    @Test
    void aFailedExchangeIsForgotten() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 0);
        cache.foundPresent("u1", PRESENT);
        cache.forget("u1");
        assertNull(cache.lookup("u1"));
    }

    @Test
    void entriesAreRevalidatedAfterTheirTtl() throws InterruptedException {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(10, 20);
        cache.confirmed("u1", PRESENT);
        assertEquals(PRESENT, cache.lookup("u1"));
        Thread.sleep(40);
        assertNull(cache.lookup("u1"), "older than the TTL: the repository is asked again");
    }

    @Test
    void sizeZeroDisablesIt() {
        ConfirmedKeyCache cache = new ConfirmedKeyCache(0, 0);
        assertFalse(cache.enabled());
        cache.confirmed("u1", PRESENT);
        assertNull(cache.lookup("u1"));
        assertEquals(0, cache.size());
    }
}
