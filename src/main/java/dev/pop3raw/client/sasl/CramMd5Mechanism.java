package dev.pop3raw.client.sasl;

/**
 * CRAM-MD5 (RFC 2195): the server sends a one-time challenge, the client answers with its user name, a
 * space and the lower-case hex HMAC-MD5 of the challenge keyed with the password. See {@link CramMechanism}
 * for CRAM-SHA1 and CRAM-SHA256.
 * <p>
 * The password does not cross the wire and a response cannot be replayed, but an eavesdropper can run a
 * dictionary attack on it and the server must store the password in clear; prefer SCRAM-SHA-256.
 */
public final class CramMd5Mechanism extends CramMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = CRAM_MD5;

    /** Creates the mechanism for one exchange. */
    public CramMd5Mechanism(String username, String password) {
        super(NAME, username, password);
    }
}
