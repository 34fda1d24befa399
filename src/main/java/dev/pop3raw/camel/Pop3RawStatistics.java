package dev.pop3raw.camel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counters of one endpoint, exposed through JMX by {@link Pop3RawEndpoint}. Thread-safe. */
final class Pop3RawStatistics {

    final AtomicLong polls = new AtomicLong();
    final AtomicLong pollFailures = new AtomicLong();
    final AtomicLong messagesConsumed = new AtomicLong();
    final AtomicLong bytesConsumed = new AtomicLong();
    final AtomicLong messagesFailed = new AtomicLong();
    final AtomicLong messagesDeleted = new AtomicLong();
    /** Of messagesDeleted: those deleteAfter kept long enough. */
    final AtomicLong messagesExpired = new AtomicLong();
    final AtomicLong retrievalFailures = new AtomicLong();
    final AtomicLong skippedInvalidUidl = new AtomicLong();
    final AtomicLong skippedOversize = new AtomicLong();
    final AtomicLong skippedBusy = new AtomicLong();
    volatile long lastPollTime;
    volatile String serverCapabilities = "";
    volatile String lastError = "";

    /** The counters by JMX attribute name (the endpoint's attributes): the Micrometer meters' names. */
    Map<String, Supplier<Number>> counters() {
        Map<String, Supplier<Number>> c = new LinkedHashMap<>();
        c.put("Polls", polls::get);
        c.put("PollFailures", pollFailures::get);
        c.put("MessagesConsumed", messagesConsumed::get);
        c.put("BytesConsumed", bytesConsumed::get);
        c.put("MessagesFailed", messagesFailed::get);
        c.put("MessagesDeleted", messagesDeleted::get);
        c.put("MessagesExpired", messagesExpired::get);
        c.put("RetrievalFailures", retrievalFailures::get);
        c.put("SkippedInvalidUidl", skippedInvalidUidl::get);
        c.put("SkippedOversize", skippedOversize::get);
        c.put("SkippedBusy", skippedBusy::get);
        return c;
    }
}
