package dev.pop3raw.camel;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * Whether the consumer claims a message in the idempotent repository before routing it (see {@link MessageClaims}).
 * Claims keep other consumers sharing the repository away from a message in progress; a consumer whose repository
 * no other consumer reads needs none, and pays no repository round trips for them.
 */
public enum ClaimMode {
    /**
     * No claims for the repositories that cannot be shared between JVMs (Camel's {@link MemoryIdempotentRepository}
     * and {@link FileIdempotentRepository}); leases for any other (JDBC, Redis, Infinispan...).
     */
    AUTO,
    /** A lease on each message while it is routed: for repositories shared by several consumers (active-active). */
    LEASE,
    /** No claims: only this consumer reads the mailbox with this repository. */
    NONE;

    /** LEASE or NONE: what AUTO means for {@code repository}. */
    ClaimMode resolve(IdempotentRepository repository) {
        if (this != AUTO) {
            return this;
        }
        // these two live in one JVM's memory (the file one keeps its keys in a memory cache and rewrites the file
        // from it): another JVM sharing them would not see this one's keys anyway
        boolean oneJvmOnly = repository instanceof MemoryIdempotentRepository
                || repository instanceof FileIdempotentRepository;
        return oneJvmOnly ? NONE : LEASE;
    }
}
