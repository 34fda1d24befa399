package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.util.Objects;

/**
 * SASL PLAIN (RFC 4616): one message {@code authzid NUL authcid NUL passwd} with an empty authorization
 * identity, so the server derives it from the user name (what every POP3 server expects).
 * <p>
 * Sends the password itself, so it belongs only on a TLS-protected connection.
 */
public final class PlainMechanism implements SaslMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = "PLAIN";

    private final byte[] message;
    private boolean answered;

    /**
     * @throws IllegalArgumentException when the user name or password contains NUL, which would shift the
     *                                  fields of the message
     */
    public PlainMechanism(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.indexOf('\0') >= 0 || password.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PLAIN user name and password must not contain NUL");
        }
        this.message = SaslBytes.utf8("\0" + username + "\0" + password);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] initialResponse() {
        return message.clone();
    }

    /**
     * Answers the server's first (empty) challenge with the same message, for servers that do not accept
     * an initial response or when the caller withheld it; PLAIN has no further steps.
     */
    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws IOException {
        if (answered) {
            throw new IOException("PLAIN has a single step, but the server sent another challenge");
        }
        answered = true;
        return message.clone();
    }

    @Override
    public boolean sendsReusableSecret() {
        return true;
    }
}
