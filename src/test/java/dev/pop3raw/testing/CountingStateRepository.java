package dev.pop3raw.testing;

import org.apache.camel.support.processor.state.MemoryStateRepository;

/** A {@link MemoryStateRepository} counting its calls ({@code getState}, {@code setState}) in {@link RepositoryCalls}. */
public final class CountingStateRepository extends MemoryStateRepository {
    private final RepositoryCalls calls;

    public CountingStateRepository() {
        this(new RepositoryCalls());
    }

    public CountingStateRepository(RepositoryCalls calls) {
        this.calls = calls;
    }

    public RepositoryCalls calls() {
        return calls;
    }

    @Override
    public void setState(String key, String value) {
        calls.count("setState");
        super.setState(key, value);
    }

    @Override
    public String getState(String key) {
        calls.count("getState");
        return super.getState(key);
    }
}
