package dev.pop3raw.camel;

/**
 * What the consumer does with the messages already in the mailbox when it first polls it with a new idempotent
 * repository (option {@code initialBacklog}, see {@link MessageSelection#initialBacklog}).
 */
public enum InitialBacklog {
    /** Every message is processed, the old ones included (the default). */
    PROCESS,
    /**
     * The messages listed at the first poll are recorded as seen without being retrieved, and never deleted by the
     * consumer: only mail that arrives later is processed. Requires an idempotent repository.
     */
    SKIP
}
