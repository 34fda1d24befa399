package dev.pop3raw.camel;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one endpoint, exposed through JMX by {@link Pop3RawEndpoint}. Thread-safe. */
final class Pop3RawStatistics {

    final AtomicLong polls = new AtomicLong();
    final AtomicLong pollFailures = new AtomicLong();
    final AtomicLong messagesConsumed = new AtomicLong();
    final AtomicLong bytesConsumed = new AtomicLong();
    final AtomicLong messagesFailed = new AtomicLong();
    final AtomicLong messagesDeleted = new AtomicLong();
    final AtomicLong retrievalFailures = new AtomicLong();
    final AtomicLong skippedInvalidUidl = new AtomicLong();
    final AtomicLong skippedOversize = new AtomicLong();
    final AtomicLong skippedBusy = new AtomicLong();
    volatile long lastPollTime;
    volatile String serverCapabilities = "";
    volatile String lastError = "";
}
