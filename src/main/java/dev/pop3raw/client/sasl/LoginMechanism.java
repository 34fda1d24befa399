package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.util.Objects;

/**
 * The obsolete but widespread LOGIN mechanism: the server prompts twice and the client answers with the
 * user name, then the password.
 * <p>
 * The prompts' text varies between servers ({@code Username:}, {@code User Name}, localised or empty), so
 * the answer is chosen by the challenge's position, never by its text. There is no initial response.
 * Sends the password itself, so it belongs only on a TLS-protected connection.
 */
public final class LoginMechanism implements SaslMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = "LOGIN";

    private final String username;
    private final String password;
    private int step;

    /** Creates the mechanism for one exchange. */
    public LoginMechanism(String username, String password) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Always {@code null}: LOGIN waits for the server's first prompt. */
    @Override
    public byte[] initialResponse() {
        return null;
    }

    /** Answers the first challenge with the user name and the second with the password. */
    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws IOException {
        step++;
        if (step == 1) {
            return SaslBytes.utf8(username);
        }
        if (step == 2) {
            return SaslBytes.utf8(password);
        }
        throw new IOException("LOGIN has two steps, but the server sent challenge number " + step);
    }

    @Override
    public boolean sendsReusableSecret() {
        return true;
    }
}
