package dev.pop3raw.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.client.sasl.OAuthBearerMechanism;
import dev.pop3raw.client.sasl.SaslCredentials;
import dev.pop3raw.client.sasl.SaslMechanism;
import dev.pop3raw.client.sasl.SaslMechanisms;
import dev.pop3raw.client.sasl.XOAuth2Mechanism;

/**
 * The AUTHORIZATION state: the login commands (USER, PASS, APOP, RPOP, SASL AUTH) and the policy around them, which
 * mechanism {@code auto} picks, when a secret may go over a connection without TLS, and the one retry with a fresh
 * OAuth2 token. Each method returns the server's text on success; what a login changes in the session (the state,
 * CAPA asked again) is the session's ({@code Pop3Client}).
 */
final class Login {

    /** The mechanism name that lets the client choose. */
    static final String AUTO = "auto";

    private static final Pattern APOP_TIMESTAMP = Pattern
            .compile("<[\\x21-\\x3B\\x3D\\x3F-\\x7E]+@[\\x21-\\x3B\\x3D\\x3F-\\x7E]+>");
    /** RFC 5034: an AUTH command with its initial response must fit in 255 octets. */
    private static final int MAX_AUTH_LINE = 255;

    private final Pop3Wire wire;
    private final Pop3Transport transport;
    private final Pop3ClientOptions options;
    private final WireLog log;
    private final String host;
    private final int port;

    Login(Pop3Wire wire, Pop3Transport transport, Pop3ClientOptions options, WireLog log, String host, int port) {
        this.wire = wire;
        this.transport = transport;
        this.options = options;
        this.log = log;
        this.host = host;
        this.port = port;
    }

    /** Logs in with the mechanism named, or the one {@code auto} picks (see {@code Pop3Client.login}). */
    String login(String username, String password, AccessTokenProvider tokenProvider, String mechanism,
            String welcome, Capabilities capabilities) throws IOException {
        CommandArguments.requireSafe(username, "username");
        if (password != null) {
            CommandArguments.requireSafe(password, "password");
        }
        String m = mechanism == null ? AUTO : mechanism.trim().toUpperCase(Locale.ROOT);
        if (m.equals("USER")) {
            return userPass(username, password);
        }
        if (m.equals("APOP")) {
            return apop(username, requirePassword(password, "APOP"), welcome);
        }
        SaslCredentials credentials = credentials(username, password, tokenProvider);
        if (m.equalsIgnoreCase(AUTO)) {
            return loginAuto(credentials, welcome, capabilities);
        }
        SaslMechanisms.create(m, credentials); // fails fast, naming the supported mechanisms, before anything is sent
        return authenticateWithRefresh(m, credentials);
    }

    private SaslCredentials credentials(String username, String password, AccessTokenProvider tokenProvider) {
        SaslCredentials.Builder b = SaslCredentials.builder(username).server(host, port);
        if (password != null) {
            b.password(password);
        }
        if (tokenProvider != null) {
            b.tokenProvider(tokenProvider);
        }
        return b.build();
    }

    /**
     * The strongest SASL mechanism offered that the credentials can do; APOP when that mechanism would have to
     * send the password in clear and the greeting allows APOP; USER/PASS when the server offers no SASL.
     */
    private String loginAuto(SaslCredentials credentials, String welcome, Capabilities capabilities)
            throws IOException {
        boolean apopPossible = credentials.hasPassword() && APOP_TIMESTAMP.matcher(welcome).find();
        Optional<String> sasl = SaslMechanisms.strongestOfferedName(capabilities.saslMechanisms(), credentials);
        if (sasl.isPresent()) {
            SaslMechanism probe = SaslMechanisms.create(sasl.get(), credentials);
            if (probe.sendsReusableSecret() && !cleartextAllowed() && apopPossible) {
                return apop(credentials.username(), credentials.password(), welcome);
            }
            return authenticateWithRefresh(sasl.get(), credentials);
        }
        if (!credentials.hasPassword()) {
            throw new Pop3Exception("cannot log in with an OAuth2 token: " + host + ":" + port
                    + " offers no OAUTHBEARER or XOAUTH2 (SASL: " + capabilities.saslMechanisms() + ")");
        }
        if (apopPossible && !transport.isSecure()) {
            return apop(credentials.username(), credentials.password(), welcome);
        }
        return userPass(credentials.username(), credentials.password());
    }

    /** SASL login; a rejected OAuth2 token is asked for again, fresh, once. */
    private String authenticateWithRefresh(String mechanism, SaslCredentials credentials) throws IOException {
        try {
            return authenticate(SaslMechanisms.create(mechanism, credentials));
        } catch (Pop3ErrorResponseException e) {
            boolean tokenBased = mechanism.equals(XOAuth2Mechanism.NAME) || mechanism.equals(OAuthBearerMechanism.NAME);
            if (!tokenBased || wire.isClosed()) {
                throw e;
            }
            log.note("AUTH " + mechanism + " refused; retrying once with a refreshed token");
            return authenticate(SaslMechanisms.create(mechanism, credentials, true));
        }
    }

    private String userPass(String username, String password) throws IOException {
        user(username);
        return pass(requirePassword(password, "USER/PASS"));
    }

    private static String requirePassword(String password, String mechanism) {
        if (password == null) {
            throw new IllegalArgumentException(mechanism + " needs a password");
        }
        return password;
    }

    String user(String username) throws IOException {
        requireCleartextAllowed("a password");
        return wire.command("USER " + CommandArguments.requireSafe(username, "username"), "USER " + username);
    }

    String pass(String password) throws IOException {
        requireCleartextAllowed("a password");
        return wire.command("PASS " + CommandArguments.requireSafe(password, "password"), "PASS " + WireLog.REDACTED);
    }

    /** APOP (RFC 1939 section 7): the MD5 digest of the greeting's timestamp and the secret, never the secret. */
    String apop(String username, String secret, String welcome) throws IOException {
        CommandArguments.requireSafe(username, "username");
        CommandArguments.requireSafe(secret, "secret");
        Matcher m = APOP_TIMESTAMP.matcher(welcome);
        if (!m.find()) {
            throw new Pop3Exception("APOP is not possible: the greeting of " + host + " carries no <timestamp@host>");
        }
        String digest;
        try {
            byte[] md5 = MessageDigest.getInstance("MD5")
                    .digest((m.group() + secret).getBytes(StandardCharsets.UTF_8));
            digest = HexFormat.of().formatHex(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new Pop3Exception("MD5 is not available for APOP", e);
        }
        return wire.command("APOP " + username + " " + digest, "APOP " + username + " " + WireLog.REDACTED);
    }

    String rpop(String username) throws IOException {
        return wire.command("RPOP " + CommandArguments.requireSafe(username, "username"), "RPOP " + username);
    }

    /**
     * SASL AUTH (RFC 5034) with one mechanism: the command, then challenge after challenge until {@code +OK} or
     * {@code -ERR}. A mechanism that fails on a challenge is cancelled with {@code *}.
     */
    String authenticate(SaslMechanism mechanism) throws IOException {
        String name = CommandArguments.requireSafe(mechanism.name(), "mechanism name");
        if (mechanism.sendsReusableSecret()) {
            requireCleartextAllowed("a password or token (SASL " + name + ")");
        }
        String display = "AUTH " + name;
        byte[] pendingInitial = sendAuth(mechanism, name, display);
        while (true) {
            String reply = wire.readStatusLine();
            if (StatusLine.isOk(reply)) {
                if (!mechanism.isComplete()) {
                    throw wire.broken(new Pop3SecurityException("the server accepted AUTH " + name
                            + " without proving it knows the credentials"));
                }
                return StatusLine.text(reply);
            }
            if (StatusLine.isErr(reply)) {
                throw new Pop3ErrorResponseException(display, reply);
            }
            if (!reply.startsWith("+")) {
                throw wire.broken(new Pop3MalformedResponseException("unexpected reply during AUTH " + name + ": "
                        + Pop3Wire.abbreviate(reply)));
            }
            byte[] response = pendingInitial != null ? pendingInitial : respond(mechanism, name, reply);
            pendingInitial = null;
            wire.sendLine(response == null || response.length == 0 ? "" : Base64.getEncoder().encodeToString(response),
                    WireLog.REDACTED);
        }
    }

    /**
     * Sends the AUTH command, with the initial response when the mechanism has one and the line fits in 255 octets.
     *
     * @return the initial response still to be sent (as the answer to the first, empty, challenge), or null
     */
    private byte[] sendAuth(SaslMechanism mechanism, String name, String display) throws IOException {
        byte[] initial = mechanism.initialResponse();
        if (initial != null) {
            String encoded = initial.length == 0 ? "=" : Base64.getEncoder().encodeToString(initial);
            String line = "AUTH " + name + " " + encoded;
            if (line.length() + 2 <= MAX_AUTH_LINE) {
                wire.sendLine(line, display + " " + WireLog.REDACTED);
                return null;
            }
        }
        wire.sendLine("AUTH " + name, display);
        return initial;
    }

    /** The mechanism's answer to a challenge; a mechanism that cannot answer is cancelled with {@code *}. */
    private byte[] respond(SaslMechanism mechanism, String name, String challenge) throws IOException {
        try {
            return mechanism.evaluateChallenge(decodeChallenge(challenge));
        } catch (IOException | RuntimeException e) {
            wire.sendLine("*", "*");
            String cancelled = wire.readStatusLine();
            throw new Pop3Exception("AUTH " + name + " cancelled: " + e.getMessage() + " (server: "
                    + Pop3Wire.abbreviate(cancelled) + ")", e);
        }
    }

    private static byte[] decodeChallenge(String reply) throws Pop3MalformedResponseException {
        String payload = reply.length() > 1 && reply.charAt(1) == ' ' ? reply.substring(2) : reply.substring(1);
        try {
            return Base64.getDecoder().decode(payload.trim());
        } catch (IllegalArgumentException e) {
            throw new Pop3MalformedResponseException("SASL challenge is not base64: " + Pop3Wire.abbreviate(reply));
        }
    }

    /** A reusable secret may go without TLS only when the options allow it or the peer is this host. */
    private boolean cleartextAllowed() {
        return transport.isSecure() || options.allowCleartextAuth() || transport.isTrustedLoopbackPeer();
    }

    private void requireCleartextAllowed(String what) throws Pop3SecurityException {
        if (cleartextAllowed()) {
            return;
        }
        throw new Pop3SecurityException("refusing to send " + what + " to " + host + ":" + port
                + " over an unencrypted connection; use TLS (implicit or STLS) or allow"
                + " cleartext authentication explicitly");
    }
}
