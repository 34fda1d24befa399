package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Mac;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding.
 * <p>
 * Three steps: client-first {@code n,,n=user,r=cnonce}; the server's {@code r=nonce,s=salt,i=count}; the
 * client-final {@code c=biws,r=nonce,p=proof}; then the server's {@code v=signature}, which this class
 * <em>verifies</em>, so the client knows it talked to a server that knows the password, not an impostor
 * that merely accepts any login. The password never crosses the wire.
 * <p>
 * Checks made on the server's messages, each failing with an {@link IOException} (the caller cancels):
 * the server nonce must extend the client nonce (else a replayed or foreign exchange); the iteration count
 * must be 1 to {@value #MAX_ITERATIONS} (a hostile server could otherwise make the client burn CPU for
 * minutes); no unknown mandatory extension ({@code m=}); the server signature must match; an {@code e=}
 * error is reported as an exception and by {@link #failed()}.
 * <p>
 * The server's final message normally arrives as a challenge. A server that sends it as additional data
 * with {@code +OK} instead should have it passed to {@link #evaluateChallenge(byte[])} too (the returned
 * empty response is then not sent). Either way, {@link #isComplete()} stays false until the signature
 * was verified, and a caller must not accept {@code +OK} before that.
 */
public final class ScramSha256Mechanism implements SaslMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = "SCRAM-SHA-256";

    /** The largest iteration count accepted from a server; RFC 7677 recommends 4096 and real servers stay far below this. */
    public static final int MAX_ITERATIONS = 1_000_000;

    /** No channel binding, and the client believes the server does not support it (RFC 5802 section 7). */
    private static final String GS2_HEADER = "n,,";
    private static final String HMAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State {
        START, CLIENT_FIRST_SENT, CLIENT_FINAL_SENT, VERIFIED, FAILED
    }

    private final String clientFirstBare;
    private final String clientNonce;
    private final byte[] password;
    private State state = State.START;
    private boolean answeredAny;
    private boolean serverError;
    private byte[] expectedServerSignature;

    /**
     * @throws IllegalArgumentException when the user name or password is rejected by SASLprep (RFC 4013),
     *                                  for example because it contains a control character; the message
     *                                  never includes the password
     */
    public ScramSha256Mechanism(String username, String password) {
        this(username, password, newNonce());
    }

    /** For tests: a fixed client nonce makes the exchange reproducible (RFC 7677 section 3 example). */
    ScramSha256Mechanism(String username, String password, String clientNonce) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        this.clientNonce = Objects.requireNonNull(clientNonce, "clientNonce");
        if (!validNonce(clientNonce)) {
            throw new IllegalArgumentException("client nonce must be printable ASCII without comma");
        }
        String user = SaslPrep.prepare(username, "SCRAM user name");
        this.password = SaslBytes.utf8(SaslPrep.prepare(password, "SCRAM password"));
        this.clientFirstBare = "n=" + escapeSaslName(user) + ",r=" + clientNonce;
    }

    /**
     * Escapes a SASL name for SCRAM and GS2 headers (RFC 5802 section 5.1): {@code =} becomes {@code =3D}
     * and {@code ,} becomes {@code =2C}, since both are attribute delimiters. Order matters: {@code =} first,
     * else the {@code =} of {@code =2C} would be escaped again.
     */
    static String escapeSaslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    /** 24 random bytes in base64: printable, no comma, as RFC 5802 requires, and 192 bits of entropy. */
    private static String newNonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The client-first message {@code n,,n=user,r=nonce}. */
    @Override
    public byte[] initialResponse() {
        if (state == State.START) {
            state = State.CLIENT_FIRST_SENT;
        }
        return clientFirst();
    }

    /**
     * Answers the server-first message with the client-final message, then verifies the server-final
     * message and returns an empty response. An empty first challenge (the caller did not send the initial
     * response) is answered with the client-first message.
     */
    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws IOException {
        byte[] c = challenge == null ? new byte[0] : challenge;
        if (!answeredAny && c.length == 0 && (state == State.START || state == State.CLIENT_FIRST_SENT)) {
            answeredAny = true;
            state = State.CLIENT_FIRST_SENT;
            return clientFirst();
        }
        answeredAny = true;
        String msg = new String(c, StandardCharsets.UTF_8);
        switch (state) {
            case CLIENT_FIRST_SENT :
                return clientFinal(msg);
            case CLIENT_FINAL_SENT :
                verifyServerFinal(msg);
                return new byte[0];
            case START :
                throw fail("SCRAM server sent a challenge before the client-first message");
            default :
                throw fail("SCRAM server sent a challenge after the exchange " + (state == State.VERIFIED
                        ? "was complete"
                        : "failed"));
        }
    }

    private byte[] clientFirst() {
        return SaslBytes.utf8(GS2_HEADER + clientFirstBare);
    }

    private byte[] clientFinal(String serverFirst) throws IOException {
        String[] attrs = serverFirst.split(",", -1);
        checkServerError(attrs[0]);
        if (attrs[0].startsWith("m=")) {
            throw fail("SCRAM server requires an unsupported mandatory extension");
        }
        if (attrs.length < 3 || !attrs[0].startsWith("r=") || !attrs[1].startsWith("s=")
                || !attrs[2].startsWith("i=")) {
            throw fail("malformed SCRAM server-first message: " + SaslBytes.printable(serverFirst, 200));
        }
        String nonce = serverNonce(attrs[0].substring(2));
        byte[] salt = salt(attrs[1].substring(2));
        int iterations = iterations(attrs[2].substring(2));

        String clientFinalWithoutProof = "c=" + Base64.getEncoder().encodeToString(SaslBytes.utf8(GS2_HEADER))
                + ",r=" + nonce;
        byte[] authMessage = SaslBytes.utf8(clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof);

        byte[] saltedPassword = hi(password, salt, iterations);
        byte[] clientKey = SaslBytes.hmac(HMAC, saltedPassword, SaslBytes.utf8("Client Key"));
        byte[] storedKey = SaslBytes.sha256(clientKey);
        byte[] clientSignature = SaslBytes.hmac(HMAC, storedKey, authMessage);
        byte[] clientProof = SaslBytes.xor(clientKey, clientSignature);
        byte[] serverKey = SaslBytes.hmac(HMAC, saltedPassword, SaslBytes.utf8("Server Key"));
        expectedServerSignature = SaslBytes.hmac(HMAC, serverKey, authMessage);

        state = State.CLIENT_FINAL_SENT;
        return SaslBytes.utf8(clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(clientProof));
    }

    /** The combined nonce of the server-first message, checked before anything is derived from it. */
    private String serverNonce(String nonce) throws IOException {
        // The server must extend our nonce; anything else is a replay or a message from another exchange.
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw fail("SCRAM server nonce does not extend the client nonce");
        }
        if (!validNonce(nonce)) {
            throw fail("SCRAM server nonce contains a character outside printable ASCII or a comma");
        }
        return nonce;
    }

    private byte[] salt(String base64) throws IOException {
        byte[] salt;
        try {
            salt = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw fail("SCRAM server salt is not valid base64");
        }
        if (salt.length == 0) {
            throw fail("SCRAM server sent an empty salt");
        }
        return salt;
    }

    private int iterations(String decimal) throws IOException {
        int iterations;
        try {
            iterations = Integer.parseInt(decimal);
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw fail("SCRAM iteration count must be 1.." + MAX_ITERATIONS + ", server sent "
                    + SaslBytes.printable(decimal, 20));
        }
        return iterations;
    }

    private void verifyServerFinal(String serverFinal) throws IOException {
        String first = serverFinal.split(",", -1)[0];
        checkServerError(first);
        if (!first.startsWith("v=")) {
            throw fail("malformed SCRAM server-final message: " + SaslBytes.printable(serverFinal, 200));
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(first.substring(2));
        } catch (IllegalArgumentException e) {
            throw fail("SCRAM server signature is not valid base64");
        }
        // Constant-time comparison: timing must not reveal how much of a forged signature was right.
        if (!MessageDigest.isEqual(expectedServerSignature, signature)) {
            throw fail("SCRAM server signature does not match: the server could not prove it knows the password");
        }
        state = State.VERIFIED;
    }

    private void checkServerError(String attr) throws IOException {
        if (attr.startsWith("e=")) {
            serverError = true;
            throw fail("SCRAM server reported an error: " + SaslBytes.printable(attr.substring(2), 100));
        }
    }

    private IOException fail(String message) {
        state = State.FAILED;
        return new IOException(message);
    }

    /** Hi() of RFC 5802 section 2.2, i.e. PBKDF2 with HMAC-SHA-256 and one output block. */
    private static byte[] hi(byte[] password, byte[] salt, int iterations) {
        Mac mac = SaslBytes.mac(HMAC, password);
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[]{0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    /** RFC 5802 nonce syntax: non-empty, printable ASCII except comma. */
    private static boolean validNonce(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char ch = nonce.charAt(i);
            if (ch < 0x21 || ch > 0x7E || ch == ',') {
                return false;
            }
        }
        return true;
    }

    /**
     * True once the server reported an error ({@code e=}); the next status line is expected to be
     * {@code -ERR}. A failed client-side check (bad nonce, bad signature) is reported by the exception
     * alone, since the caller cancels the exchange then.
     */
    @Override
    public boolean failed() {
        return serverError;
    }

    /** True only after the server signature was verified. */
    @Override
    public boolean isComplete() {
        return state == State.VERIFIED;
    }

    @Override
    public boolean sendsReusableSecret() {
        return false;
    }
}
