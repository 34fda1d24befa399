package dev.pop3raw.camel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.StateRepository;

/**
 * Where deleteAfter finds when each kept message was first processed: the time its processed key was recorded, kept
 * with that key so that it survives restarts and a move to another node. Camel's {@link IdempotentRepository} keeps
 * keys only, so the time lives either in a {@link StateRepository} (option deleteAfterStateRepository; key: the
 * processed key, value: the ISO-8601 instant) or, for camel-sql's JDBC repository, in the time that repository writes
 * with each key (its createdAt column). {@link KeptMessages} caches what it found: a time never changes once recorded.
 */
interface FirstProcessedTimes {

    /**
     * The times held for these processed keys, in as few round trips as the store allows; a key without a time is
     * left out of the answer.
     */
    Map<String, Instant> find(List<String> processedKeys);

    /** The message's exchange succeeded at {@code at}, right after its processed key was added. */
    void processed(String processedKey, Instant at);

    /** A kept message had no time (processed before deleteAfter was set, or its entry was lost): {@code at} it is. */
    void missing(String processedKey, Instant at);

    /** For the log: where the times are kept. */
    String describe();

    /**
     * The store for an endpoint's options: the state repository when one is set, else the JDBC repository's own
     * times; null when neither is available (the endpoint refuses to start then, see {@link Pop3RawEndpoint}).
     */
    static FirstProcessedTimes of(Pop3RawConfiguration config) {
        StateRepository<String, String> state = config.getDeleteAfterStateRepository();
        if (state != null) {
            return new StateRepositoryTimes(state);
        }
        IdempotentRepository repository = config.getIdempotentRepository();
        return isJdbcRepository(repository) ? JdbcCreatedAtTimes.of(repository) : null;
    }

    /**
     * Whether {@code repository} is camel-sql's JdbcMessageIdRepository (or a subclass: the orphan-lock-aware one),
     * asked by name so that no camel-sql class is loaded when camel-sql is not on the class path.
     */
    static boolean isJdbcRepository(IdempotentRepository repository) {
        for (Class<?> c = repository == null ? null : repository.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(JdbcCreatedAtTimes.REPOSITORY_CLASS)) {
                return true;
            }
        }
        return false;
    }
}
