package dev.pop3raw.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts an idempotent repository's calls by operation name ({@code add}, {@code contains}, {@code remove},
 * {@code confirm}): the round trips a shared (JDBC) repository would answer. {@link CountingMemoryRepository} counts
 * into one; a test counting another kind of repository subclasses it and calls {@link #count} (a wrapper would not do:
 * the consumer treats in-memory and file repositories differently, by their class).
 */
public final class RepositoryCalls {
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    public void count(String operation) {
        calls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }

    /** How many calls of {@code operation} so far. */
    public long get(String operation) {
        AtomicLong n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Every operation called so far with its count, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        calls.forEach((k, v) -> result.put(k, v.get()));
        return result;
    }
}
