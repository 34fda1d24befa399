package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.util.Objects;

/**
 * CRAM-MD5 (RFC 2195): the server sends a one-time challenge, the client answers with its user name, a
 * space and the lower-case hex HMAC-MD5 of the challenge keyed with the password.
 * <p>
 * The password does not cross the wire and a response cannot be replayed, but an eavesdropper can run a
 * dictionary attack on it and the server must store the password in clear; prefer SCRAM-SHA-256.
 */
public final class CramMd5Mechanism implements SaslMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = "CRAM-MD5";

    private final String username;
    private final byte[] secret;
    private boolean answered;

    /** Creates the mechanism for one exchange. */
    public CramMd5Mechanism(String username, String password) {
        this.username = Objects.requireNonNull(username, "username");
        this.secret = SaslBytes.utf8(Objects.requireNonNull(password, "password"));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Always {@code null}: CRAM-MD5 is server-first. */
    @Override
    public byte[] initialResponse() {
        return null;
    }

    /**
     * @throws IOException when the challenge is empty (nothing to sign: a broken or hostile server) or when
     *                     the server sends a second challenge
     */
    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws IOException {
        if (answered) {
            throw new IOException("CRAM-MD5 has a single step, but the server sent another challenge");
        }
        if (challenge == null || challenge.length == 0) {
            throw new IOException("CRAM-MD5 server sent an empty challenge");
        }
        answered = true;
        String digest = SaslBytes.hex(SaslBytes.hmac("HmacMD5", secret, challenge));
        return SaslBytes.utf8(username + " " + digest);
    }

    @Override
    public boolean sendsReusableSecret() {
        return false;
    }
}
