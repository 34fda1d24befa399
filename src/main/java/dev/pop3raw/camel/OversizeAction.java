package dev.pop3raw.camel;

/**
 * What the consumer does with a message larger than {@code maxMessageSize}: by its listed size, or by the octets the
 * server sent when an earlier session retrieved it although its listed size was within the limit (that retrieval was
 * stopped at the limit, and the consumer remembers the message). Such a message is never retrieved (again) in any
 * case.
 */
public enum OversizeAction {
    /** Leave it on the server and log a warning once per message. */
    SKIP,
    /** Leave it on the server and report an error through the consumer's exception handler at every poll. */
    FAIL,
    /** Delete it from the server without retrieving it (logged at WARN). */
    DELETE
}
