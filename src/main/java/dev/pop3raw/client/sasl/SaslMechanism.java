package dev.pop3raw.client.sasl;

import java.io.IOException;

/**
 * One SASL mechanism as used by the POP3 {@code AUTH} command (RFC 5034).
 * <p>
 * A mechanism is a small state machine: the client sends {@link #initialResponse()} with the command (or
 * waits for the first challenge when it is {@code null} or too long), then answers each server challenge
 * with {@link #evaluateChallenge(byte[])}. Instances are used for one exchange only.
 * <p>
 * A client-first mechanism (PLAIN, SCRAM, the OAuth ones) answers an empty first challenge with its first
 * message, so a caller that withholds a too-long initial response simply answers the server's empty
 * {@code +} through {@link #evaluateChallenge(byte[])}.
 */
public interface SaslMechanism {

    /** The IANA name sent after {@code AUTH}, e.g. {@code PLAIN}. */
    String name();

    /**
     * The client's first message, or {@code null} when the mechanism waits for a server challenge first
     * (LOGIN, CRAM-MD5). An empty array is a real, empty initial response (sent as {@code =}).
     */
    byte[] initialResponse() throws IOException;

    /**
     * Answers one server challenge (already base64-decoded).
     *
     * @return the response to send (base64-encoded by the caller)
     * @throws IOException when the challenge is malformed or fails verification (the caller cancels with {@code *})
     */
    byte[] evaluateChallenge(byte[] challenge) throws IOException;

    /**
     * Whether {@link #evaluateChallenge(byte[])} has seen the server's error report (the OAuth mechanisms'
     * error challenge, SCRAM's {@code e=}), so the next status line is expected to be {@code -ERR}.
     */
    default boolean failed() {
        return false;
    }

    /**
     * Whether the client side of the exchange is finished, including any check of the server's proof. A
     * caller that receives {@code +OK} while this is false must not trust the session: for SCRAM it means
     * the server never proved that it knows the password. Mechanisms without server verification have
     * nothing to check and return {@code true}.
     */
    default boolean isComplete() {
        return true;
    }

    /** Whether this mechanism sends a password or token that an eavesdropper could reuse. */
    boolean sendsReusableSecret();
}
