package dev.pop3raw.testing;

import java.util.function.Supplier;

import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * A {@link MemoryIdempotentRepository} that throws on demand: while {@link #addFailure} or {@link #containsFailure} is
 * set, that call throws what it supplies (a RuntimeException or an Error), as a repository that is down does.
 */
public final class FailingMemoryRepository extends MemoryIdempotentRepository {
    /** While set, {@code add} throws what it supplies. */
    public volatile Supplier<? extends Throwable> addFailure;
    /** While set, {@code contains} (the look-ups of the poll, after the listing) throws what it supplies. */
    public volatile Supplier<? extends Throwable> containsFailure;

    @Override
    public boolean add(String key) {
        fail(addFailure);
        return super.add(key);
    }

    @Override
    public boolean contains(String key) {
        fail(containsFailure);
        return super.contains(key);
    }

    private static void fail(Supplier<? extends Throwable> failure) {
        if (failure != null) {
            Throwable t = failure.get();
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        }
    }
}
