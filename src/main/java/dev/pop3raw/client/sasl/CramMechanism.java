package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The CRAM family of challenge-response mechanisms: the server sends a one-time challenge, the client answers with
 * its user name, a space and the lower-case hex HMAC of the challenge keyed with the password. CRAM-MD5 (RFC 2195)
 * uses HMAC-MD5; CRAM-SHA1 and CRAM-SHA256 (offered by Courier, for example) are the same exchange with HMAC-SHA1
 * and HMAC-SHA256.
 * <p>
 * The password does not cross the wire and a response cannot be replayed, but an eavesdropper can run a dictionary
 * attack on it and the server must store the password (or its HMAC key state); prefer SCRAM-SHA-256.
 */
public class CramMechanism implements SaslMechanism {

    /** CRAM-MD5 (RFC 2195). */
    public static final String CRAM_MD5 = "CRAM-MD5";
    /** CRAM-SHA1: CRAM with HMAC-SHA1. */
    public static final String CRAM_SHA1 = "CRAM-SHA1";
    /** CRAM-SHA256: CRAM with HMAC-SHA256. */
    public static final String CRAM_SHA256 = "CRAM-SHA256";

    private static final Map<String, String> HMAC = Map.of(CRAM_MD5, "HmacMD5", CRAM_SHA1, "HmacSHA1",
            CRAM_SHA256, "HmacSHA256");

    private final String name;
    private final String algorithm;
    private final String username;
    private final byte[] secret;
    private boolean answered;

    /**
     * Creates the mechanism for one exchange.
     *
     * @param  name                     CRAM-MD5, CRAM-SHA1 or CRAM-SHA256 (any case)
     * @throws IllegalArgumentException for another name
     */
    public CramMechanism(String name, String username, String password) {
        String upper = Objects.requireNonNull(name, "name").toUpperCase(Locale.ROOT);
        this.algorithm = HMAC.get(upper);
        if (algorithm == null) {
            throw new IllegalArgumentException("not a CRAM mechanism: " + SaslBytes.printable(name, 64));
        }
        this.name = upper;
        this.username = Objects.requireNonNull(username, "username");
        this.secret = SaslBytes.utf8(Objects.requireNonNull(password, "password"));
    }

    @Override
    public String name() {
        return name;
    }

    /** Always {@code null}: CRAM is server-first. */
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
            throw new IOException(name + " has a single step, but the server sent another challenge");
        }
        if (challenge == null || challenge.length == 0) {
            throw new IOException(name + " server sent an empty challenge");
        }
        answered = true;
        String digest = SaslBytes.hex(SaslBytes.hmac(algorithm, secret, challenge));
        return SaslBytes.utf8(username + " " + digest);
    }

    @Override
    public boolean sendsReusableSecret() {
        return false;
    }
}
