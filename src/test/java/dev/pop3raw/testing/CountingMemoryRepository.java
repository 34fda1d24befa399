package dev.pop3raw.testing;

import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/** A {@link MemoryIdempotentRepository} (so the consumer treats it as one) that counts its calls. */
public final class CountingMemoryRepository extends MemoryIdempotentRepository {
    private final RepositoryCalls calls;

    public CountingMemoryRepository() {
        this(new RepositoryCalls());
    }

    public CountingMemoryRepository(RepositoryCalls calls) {
        this.calls = calls;
    }

    public RepositoryCalls calls() {
        return calls;
    }

    /** How many {@code contains} look-ups so far. */
    public long containsCalls() {
        return calls.get("contains");
    }

    @Override
    public boolean add(String key) {
        calls.count("add");
        return super.add(key);
    }

    @Override
    public boolean contains(String key) {
        calls.count("contains");
        return super.contains(key);
    }

    @Override
    public boolean remove(String key) {
        calls.count("remove");
        return super.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        calls.count("confirm");
        return super.confirm(key);
    }
}
