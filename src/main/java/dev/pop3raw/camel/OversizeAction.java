package dev.pop3raw.camel;

/**
 * What the consumer does with a message whose listed size exceeds {@code maxMessageSize}. The message is never
 * retrieved in any case.
 */
public enum OversizeAction {
    /** Leave it on the server and log a warning once per message. */
    SKIP,
    /** Leave it on the server and report an error through the consumer's exception handler at every poll. */
    FAIL,
    /** Delete it from the server without retrieving it (logged at WARN). */
    DELETE
}
