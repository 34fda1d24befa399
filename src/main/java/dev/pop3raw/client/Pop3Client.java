package dev.pop3raw.client;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.client.sasl.OAuthBearerMechanism;
import dev.pop3raw.client.sasl.SaslCredentials;
import dev.pop3raw.client.sasl.SaslMechanism;
import dev.pop3raw.client.sasl.SaslMechanisms;
import dev.pop3raw.client.sasl.XOAuth2Mechanism;

/**
 * A POP3 client session (RFC 1939 with RFC 2449 CAPA and PIPELINING, RFC 2595 STLS, RFC 5034 SASL AUTH,
 * RFC 6856 UTF8). One method per POP3 command, with poplib's meaning, returning typed values.
 *
 * <pre>{@code
 * try (Pop3Client pop = Pop3Client.connect("pop.example.com", 995, Pop3ClientOptions.defaults())) {
 *     pop.login("alice", secret);
 *     for (MessageInfo m : pop.listing()) {
 *         try (InputStream raw = pop.retrStream(m.number())) {
 *             store(m.uidl(), raw);
 *         }
 *         pop.dele(m.number());
 *     }
 *     pop.quit();   // deletions take effect only now
 * }
 * }</pre>
 *
 * A session is not thread-safe. Every failure is a {@link Pop3Exception} (or a plain {@link IOException} from
 * the network); after a reply that cannot be framed (no terminator, a status line over its bound, a listing
 * over maxListingEntries), a timeout or a lost connection the socket is closed, since the session can no longer
 * be trusted to be in step. A well-framed reply whose content is malformed is not a reason to end the session: a
 * bad listing line affects only its message ({@link Listing}), a bad {@code STAT}, {@code LIST n} or
 * {@code UIDL n} answer fails only that call. {@link #close()} drops the connection without QUIT, so
 * nothing marked for deletion is deleted.
 */
public final class Pop3Client implements Closeable {

    /** The POP3 port (RFC 1939). */
    public static final int POP3_PORT = 110;
    /** The POP3-over-TLS port (RFC 8314). */
    public static final int POP3S_PORT = 995;

    private static final Pattern APOP_TIMESTAMP = Pattern
            .compile("<[\\x21-\\x3B\\x3D\\x3F-\\x7E]+@[\\x21-\\x3B\\x3D\\x3F-\\x7E]+>");
    /** A CAPA reply has a dozen lines; an endless one must not fill the heap before maxListingEntries. */
    private static final int MAX_CAPA_LINES = 1000;
    /** RFC 5034: an AUTH command with its initial response must fit in 255 octets. */
    private static final int MAX_AUTH_LINE = 255;

    private final String host;
    private final int port;
    private final Pop3ClientOptions options;
    private final WireLog log;

    private Socket socket;
    private Pop3Input input;
    private OutputStream out;
    private boolean secure;
    private boolean closed;
    private boolean authenticated;
    private String welcome;
    private Capabilities capabilities = Capabilities.NONE;
    private MessageDataInputStream openData;
    private RetrievalBatch activeBatch;

    private Pop3Client(String host, int port, Pop3ClientOptions options) {
        this.host = host;
        this.port = port;
        this.options = options;
        this.log = new WireLog(host + ":" + port, options.debugLevel());
    }

    /** Connects with the default options: TLS {@code AUTO} on the default port (110, STLS when offered). */
    public static Pop3Client connect(String host) throws IOException {
        return connect(host, 0, Pop3ClientOptions.defaults());
    }

    /**
     * Opens a session: TCP (or TLS from the first byte for {@link TlsMode#IMPLICIT}, and for {@link TlsMode#AUTO}
     * on port 995), reads the greeting, asks CAPA, and upgrades with STLS when the mode says so. On any
     * failure the socket is closed before the exception leaves.
     *
     * @param port 0 for the mode's default port
     */
    public static Pop3Client connect(String host, int port, Pop3ClientOptions options) throws IOException {
        CommandArguments.requireSafe(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        int effectivePort = port == 0 ? options.tlsMode().defaultPort() : port;
        Pop3Client client = new Pop3Client(host, effectivePort, options);
        try {
            client.open();
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void open() throws IOException {
        Socket plain = options.proxy() == null ? new Socket() : new Socket(options.proxy());
        socket = plain;
        InetSocketAddress address = options.proxy() == null || options.proxy().type() == Proxy.Type.DIRECT
                ? new InetSocketAddress(host, port)
                : InetSocketAddress.createUnresolved(host, port);
        plain.connect(address, (int) options.connectTimeout().toMillis());
        plain.setSoTimeout((int) options.readTimeout().toMillis());
        plain.setTcpNoDelay(true);
        TlsMode mode = options.tlsMode();
        if (mode == TlsMode.IMPLICIT || mode == TlsMode.AUTO && port == POP3S_PORT) {
            socket = startTls(plain);
            secure = true;
        }
        attachStreams();
        String greeting = readStatusLine();
        if (StatusLine.isErr(greeting)) {
            throw new Pop3ErrorResponseException("the connection", greeting);
        }
        if (!StatusLine.isOk(greeting)) {
            throw new Pop3MalformedResponseException("not a POP3 server: the greeting does not start with +OK: "
                    + abbreviate(greeting));
        }
        welcome = greeting;
        capa();
        if (!secure && (mode == TlsMode.STARTTLS || mode == TlsMode.AUTO && capabilities.stls())) {
            if (!capabilities.stls()) {
                throw new Pop3SecurityException("STLS is required but " + host + ":" + port
                        + " does not offer it (CAPA: " + capabilities + ")");
            }
            stls();
        }
    }

    private void attachStreams() throws IOException {
        if (input == null) {
            input = new Pop3Input(socket.getInputStream(), options.readTimeout().toNanos());
        } else {
            int discarded = input.replaceStream(socket.getInputStream());
            if (discarded > 0) {
                log.note("discarded " + discarded + " octets the server sent before the TLS handshake");
            }
        }
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    private SSLSocket startTls(Socket plain) throws IOException {
        try {
            SSLContext context = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = tls.getSSLParameters();
            if (options.hostnameVerification()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            tls.setSSLParameters(params);
            tls.setSoTimeout((int) options.connectTimeout().toMillis());
            tls.startHandshake();
            tls.setSoTimeout((int) options.readTimeout().toMillis());
            checkPin(tls);
            return tls;
        } catch (SSLException e) {
            throw new Pop3SecurityException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(),
                    e);
        } catch (NoSuchAlgorithmException e) {
            throw new Pop3SecurityException("no default SSLContext available", e);
        }
    }

    private void checkPin(SSLSocket tls) throws IOException {
        String pin = options.pinnedCertificateSha256();
        if (pin == null) {
            return;
        }
        try {
            Certificate[] chain = tls.getSession().getPeerCertificates();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            String actual = HexFormat.of().formatHex(digest);
            if (!actual.equals(pin)) {
                throw new Pop3SecurityException("the certificate of " + host + ":" + port + " has SHA-256 " + actual
                        + ", not the pinned " + pin);
            }
        } catch (GeneralSecurityException e) {
            throw new Pop3SecurityException("could not read the server certificate to check its pin", e);
        }
    }

    // ---------------------------------------------------------------- session facts

    /** The server's greeting line (poplib's {@code getwelcome}). */
    public String getWelcome() {
        return welcome;
    }

    /** The capabilities from the last CAPA (empty when the server does not implement CAPA). */
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Whether the session runs over TLS. */
    public boolean isSecure() {
        return secure;
    }

    /** Whether a login succeeded (the session is in the TRANSACTION state). */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** Whether the connection has been closed (after QUIT, {@link #close()} or a failure). */
    public boolean isClosed() {
        return closed;
    }

    /** The host connected to, as given. */
    public String host() {
        return host;
    }

    /** The port connected to (the mode's default when 0 was given). */
    public int port() {
        return port;
    }

    /** 0: quiet; 1: one line per command; 2: every line on the wire. Secrets are always redacted. */
    public void setDebugLevel(int level) {
        log.level(level);
    }

    // ---------------------------------------------------------------- AUTHORIZATION

    /**
     * Asks CAPA and keeps the result; a server that answers {@code -ERR} is taken to offer nothing beyond
     * RFC 1939.
     */
    public Capabilities capa() throws IOException {
        String status = exchange("CAPA", "CAPA");
        capabilities = StatusLine.isOk(status)
                ? Capabilities.parse(readMultiLine("CAPA", Math.min(MAX_CAPA_LINES, options.maxListingEntries())))
                : Capabilities.NONE;
        return capabilities;
    }

    /**
     * Upgrades the connection with STLS (RFC 2595): only before login, discards anything the server sent
     * before the handshake (it could have been injected in clear), checks the certificate and host name, and
     * asks CAPA again.
     */
    public void stls() throws IOException {
        if (secure) {
            throw new IllegalStateException("the session is already encrypted");
        }
        if (authenticated) {
            throw new IllegalStateException("STLS is only allowed before login (AUTHORIZATION state)");
        }
        try {
            command("STLS", "STLS");
        } catch (Pop3ErrorResponseException e) {
            throw new Pop3SecurityException("STLS refused by " + host + ":" + port + ": " + e.serverText(), e);
        }
        out.flush();
        socket = startTls(socket);
        secure = true;
        attachStreams();
        capa();
    }

    /**
     * Logs in choosing the strongest method the server offers for the credentials given (see
     * {@link #login(String, String, AccessTokenProvider, String)} with mechanism {@code auto}).
     */
    public String login(String username, String password) throws IOException {
        return login(username, password, null, AUTO);
    }

    /** The mechanism name that lets the client choose. */
    public static final String AUTO = "auto";

    /**
     * Logs in.
     *
     * @param password      the password, or {@code null} when a token provider is used
     * @param tokenProvider supplies OAuth2 tokens for XOAUTH2 / OAUTHBEARER, or {@code null}
     * @param mechanism     {@code auto}, {@code USER} (USER/PASS), {@code APOP}, or a SASL mechanism name
     *                      ({@code PLAIN}, {@code LOGIN}, {@code CRAM-MD5}, {@code CRAM-SHA1}, {@code CRAM-SHA256},
     *                      {@code SCRAM-SHA-256}, {@code XOAUTH2}, {@code OAUTHBEARER}). With {@code auto}: the
     *                      strongest SASL mechanism the server offers for these credentials (token: OAUTHBEARER,
     *                      XOAUTH2; password: SCRAM-SHA-256, CRAM-SHA256, CRAM-SHA1, CRAM-MD5, PLAIN, LOGIN), APOP rather than a cleartext password when the greeting allows it, and
     *                      USER/PASS when the server offers no SASL.
     */
    public String login(String username, String password, AccessTokenProvider tokenProvider, String mechanism)
            throws IOException {
        CommandArguments.requireSafe(username, "username");
        if (password != null) {
            CommandArguments.requireSafe(password, "password");
        }
        String m = mechanism == null ? AUTO : mechanism.trim().toUpperCase(java.util.Locale.ROOT);
        if (m.equals("USER")) {
            return userPass(username, password);
        }
        if (m.equals("APOP")) {
            return apop(username, requirePassword(password, "APOP"));
        }
        SaslCredentials credentials = credentials(username, password, tokenProvider);
        if (m.equalsIgnoreCase(AUTO)) {
            return loginAuto(credentials);
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
    private String loginAuto(SaslCredentials credentials) throws IOException {
        boolean apopPossible = credentials.hasPassword() && APOP_TIMESTAMP.matcher(welcome).find();
        java.util.Optional<String> sasl = SaslMechanisms.strongestOfferedName(capabilities.saslMechanisms(),
                credentials);
        if (sasl.isPresent()) {
            SaslMechanism probe = SaslMechanisms.create(sasl.get(), credentials);
            if (probe.sendsReusableSecret() && !cleartextAllowed() && apopPossible) {
                return apop(credentials.username(), credentials.password());
            }
            return authenticateWithRefresh(sasl.get(), credentials);
        }
        if (!credentials.hasPassword()) {
            throw new Pop3Exception("cannot log in with an OAuth2 token: " + host + ":" + port
                    + " offers no OAUTHBEARER or XOAUTH2 (SASL: " + capabilities.saslMechanisms() + ")");
        }
        if (apopPossible && !secure) {
            return apop(credentials.username(), credentials.password());
        }
        return userPass(credentials.username(), credentials.password());
    }

    /** SASL login; a rejected OAuth2 token is asked for again, fresh, once. */
    private String authenticateWithRefresh(String mechanism, SaslCredentials credentials) throws IOException {
        try {
            return authenticate(SaslMechanisms.create(mechanism, credentials));
        } catch (Pop3ErrorResponseException e) {
            boolean tokenBased = mechanism.equals(XOAuth2Mechanism.NAME) || mechanism.equals(OAuthBearerMechanism.NAME);
            if (!tokenBased || closed) {
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

    /** Sends USER (poplib's {@code user}); returns the server's text. */
    public String user(String username) throws IOException {
        requireCleartextAllowed("a password");
        return command("USER " + CommandArguments.requireSafe(username, "username"), "USER " + username);
    }

    /** Sends PASS (poplib's {@code pass_}); returns the server's text (often the maildrop size). */
    public String pass(String password) throws IOException {
        requireCleartextAllowed("a password");
        String text = command("PASS " + CommandArguments.requireSafe(password, "password"), "PASS " + WireLog.REDACTED);
        loggedIn();
        return text;
    }

    /**
     * Logs in with APOP (RFC 1939 section 7): the MD5 digest of the greeting's timestamp and the secret is
     * sent, never the secret.
     *
     * @throws Pop3Exception when the greeting carries no well-formed timestamp
     */
    public String apop(String username, String secret) throws IOException {
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
        String text = command("APOP " + username + " " + digest, "APOP " + username + " " + WireLog.REDACTED);
        loggedIn();
        return text;
    }

    /** Sends RPOP (RFC 1081's r-command style login; obsolete, kept for poplib parity). */
    public String rpop(String username) throws IOException {
        String text = command("RPOP " + CommandArguments.requireSafe(username, "username"), "RPOP " + username);
        loggedIn();
        return text;
    }

    /**
     * Authenticates with one SASL mechanism (RFC 5034). The initial response goes with the command when it
     * fits in 255 octets, else it answers the first challenge. A mechanism that fails on a challenge is
     * cancelled with {@code *}.
     *
     * @throws Pop3ErrorResponseException when the server refuses (see {@link ResponseCode#AUTH})
     */
    public String authenticate(SaslMechanism mechanism) throws IOException {
        String name = CommandArguments.requireSafe(mechanism.name(), "mechanism name");
        if (mechanism.sendsReusableSecret()) {
            requireCleartextAllowed("a password or token (SASL " + name + ")");
        }
        byte[] initial = mechanism.initialResponse();
        boolean initialPending = false;
        String display = "AUTH " + name;
        if (initial == null) {
            sendLine("AUTH " + name, display);
        } else {
            String encoded = initial.length == 0 ? "=" : Base64.getEncoder().encodeToString(initial);
            String line = "AUTH " + name + " " + encoded;
            if (line.length() + 2 <= MAX_AUTH_LINE) {
                sendLine(line, display + " " + WireLog.REDACTED);
            } else {
                sendLine("AUTH " + name, display);
                initialPending = true;
            }
        }
        while (true) {
            String reply = readStatusLine();
            if (StatusLine.isOk(reply)) {
                if (!mechanism.isComplete()) {
                    throw broken(new Pop3SecurityException("the server accepted AUTH " + name
                            + " without proving it knows the credentials"));
                }
                loggedIn();
                return StatusLine.text(reply);
            }
            if (StatusLine.isErr(reply)) {
                throw new Pop3ErrorResponseException(display, reply);
            }
            if (!reply.startsWith("+")) {
                throw broken(new Pop3MalformedResponseException("unexpected reply during AUTH " + name + ": "
                        + abbreviate(reply)));
            }
            byte[] response;
            if (initialPending) {
                initialPending = false;
                response = initial;
            } else {
                try {
                    response = mechanism.evaluateChallenge(decodeChallenge(reply));
                } catch (IOException | RuntimeException e) {
                    sendLine("*", "*");
                    String cancelled = readStatusLine();
                    throw new Pop3Exception("AUTH " + name + " cancelled: " + e.getMessage() + " (server: "
                            + abbreviate(cancelled) + ")", e);
                }
            }
            sendLine(response == null || response.length == 0 ? "" : Base64.getEncoder().encodeToString(response),
                    WireLog.REDACTED);
        }
    }

    private byte[] decodeChallenge(String reply) throws Pop3MalformedResponseException {
        String payload = reply.length() > 1 && reply.charAt(1) == ' ' ? reply.substring(2) : reply.substring(1);
        try {
            return Base64.getDecoder().decode(payload.trim());
        } catch (IllegalArgumentException e) {
            throw new Pop3MalformedResponseException("SASL challenge is not base64: " + abbreviate(reply));
        }
    }

    /** Asks the server to accept UTF-8 (RFC 6856); lines are read as UTF-8 in any case. */
    public String utf8() throws IOException {
        return command("UTF8", "UTF8");
    }

    private void loggedIn() throws IOException {
        authenticated = true;
        // RFC 2449: capabilities may change after login (Gmail adds TOP and PIPELINING only now)
        capa();
    }

    // ---------------------------------------------------------------- TRANSACTION

    /**
     * {@code STAT}: the number of messages and their total size. A reply that is not {@code count size} fails this
     * call only: the session stays in step.
     */
    public MailboxStatus stat() throws IOException {
        String text = command("STAT", "STAT");
        String[] words = text.strip().split("[ \t]+");
        long count = ListingLines.digits(words[0], 0, words[0].length(), Integer.MAX_VALUE);
        long size = words.length < 2 ? -1 : ListingLines.digits(words[1], 0, words[1].length(), Long.MAX_VALUE);
        if (count < 0 || size < 0) {
            throw new Pop3MalformedResponseException(
                    "STAT reply is not 'count size' (two non-negative decimal numbers): "
                            + Printable.quote(text));
        }
        return new MailboxStatus((int) count, size);
    }

    /**
     * {@code LIST}: every message with its size ({@link MessageInfo#uidl()} is null). A malformed line affects only
     * its message; see {@link Listing}.
     */
    public Listing list() throws IOException {
        command("LIST", "LIST");
        return readListing("LIST");
    }

    /**
     * {@code LIST n}: one message's size. A reply that is not {@code n size} fails this call only (the session stays
     * in step), with a message naming what was wrong.
     */
    public MessageInfo list(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        String text = command("LIST " + number, "LIST " + number);
        return requireWellFormed("LIST " + number, number, text, ListingLines.sizeLine(text));
    }

    /**
     * {@code UIDL}: every message with its unique id ({@link MessageInfo#size()} is -1). A malformed line affects only
     * its message; see {@link Listing}.
     */
    public Listing uidl() throws IOException {
        command("UIDL", "UIDL");
        return readListing("UIDL");
    }

    /**
     * {@code UIDL n}: one message's unique id. A reply that is not {@code n unique-id}, with a unique-id as RFC 1939
     * defines it, fails this call only (the session stays in step), with a message naming what was wrong.
     */
    public MessageInfo uidl(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        String text = command("UIDL " + number, "UIDL " + number);
        return requireWellFormed("UIDL " + number, number, text, ListingLines.uidlLine(text));
    }

    /** The entry of a single-line LIST n / UIDL n reply, or a failure of this call (not of the session). */
    private static MessageInfo requireWellFormed(String display, int number, String text, MessageInfo parsed)
            throws Pop3MalformedResponseException {
        if (!ListingLines.isAttributable(parsed)) {
            throw new Pop3MalformedResponseException("reply to " + display + " does not start with a message number: "
                    + Printable.quote(text));
        }
        if (parsed.number() != number) {
            throw new Pop3MalformedResponseException("reply to " + display + " is about message " + parsed.number()
                    + ": " + Printable.quote(text));
        }
        if (parsed.hasProblem()) {
            throw new Pop3MalformedResponseException(
                    "reply to " + display + " is malformed (" + parsed.problem() + ")");
        }
        return parsed;
    }

    /**
     * UIDL and LIST together, in one round trip when the server pipelines: every message with number, size and unique
     * id, joined by message number. A server without UIDL yields null ids (and no problem). A malformed line affects
     * only its message; see {@link Listing} for what becomes of it.
     */
    public Listing listing() throws IOException {
        Listing ids = null;
        Listing sized;
        if (pipeliningActive()) {
            requireNoBatchInFlight();
            finishOpenData();
            writeLine("UIDL", "UIDL");
            writeLine("LIST", "LIST");
            out.flush();
            if (StatusLine.isOk(readReply("UIDL"))) {
                ids = readListing("UIDL");
            }
            requireOk("LIST", readReply("LIST"));
            sized = readListing("LIST");
        } else {
            if (StatusLine.isOk(exchange("UIDL", "UIDL"))) {
                ids = readListing("UIDL");
            }
            command("LIST", "LIST");
            sized = readListing("LIST");
        }
        return Listing.join(sized, ids);
    }

    /** {@code RETR n}, whole, as bytes (dot-stuffing removed). For large messages use {@link #retrStream}. */
    public byte[] retr(int number) throws IOException {
        try (InputStream in = retrStream(number)) {
            return readAll(in);
        }
    }

    /**
     * {@code RETR n} as a stream of the message's bytes, ending exactly at the terminator. Read or close it
     * before the next command (the next command drains it otherwise).
     */
    public InputStream retrStream(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        command("RETR " + number, "RETR " + number);
        return openDataStream();
    }

    /** {@code TOP n lines}: the header and the first {@code lines} body lines, as bytes. */
    public byte[] top(int number, int lines) throws IOException {
        try (InputStream in = topStream(number, lines)) {
            return readAll(in);
        }
    }

    /** {@code TOP n lines} as a stream; some servers ignore {@code lines} and send the whole message. */
    public InputStream topStream(int number, int lines) throws IOException {
        CommandArguments.requireMessageNumber(number);
        if (lines < 0) {
            throw new IllegalArgumentException("TOP line count must not be negative, was " + lines);
        }
        command("TOP " + number + " " + lines, "TOP " + number + " " + lines);
        return openDataStream();
    }

    /**
     * Retrieves several messages, keeping a window of RETR commands in flight when the server pipelines
     * (lock-step otherwise). Read each message's stream before asking for the next.
     */
    public RetrievalBatch retrieve(List<Integer> numbers) throws IOException {
        for (int n : numbers) {
            CommandArguments.requireMessageNumber(n);
        }
        requireNoBatchInFlight();
        finishOpenData();
        activeBatch = new RetrievalBatch(this, numbers, pipeliningActive() ? options.pipelineWindow() : 1);
        return activeBatch;
    }

    /** {@code DELE n}: marks a message for deletion at QUIT. */
    public String dele(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        return command("DELE " + number, "DELE " + number);
    }

    /** {@code RSET}: unmarks every message marked for deletion. */
    public String rset() throws IOException {
        return command("RSET", "RSET");
    }

    /** {@code NOOP}: a keep-alive. */
    public String noop() throws IOException {
        return command("NOOP", "NOOP");
    }

    /**
     * {@code QUIT}: the server deletes what was marked and ends the session. The socket is closed whatever
     * happens (an {@code -ERR}, silence until the read timeout, a hang-up); those are still reported, since
     * they mean the deletions may not have happened.
     */
    public String quit() throws IOException {
        if (closed) {
            throw new Pop3ConnectionClosedException("QUIT not sent: the connection is already closed");
        }
        try {
            return command("QUIT", "QUIT");
        } finally {
            close();
        }
    }

    /** Drops the connection without QUIT: a conforming server deletes nothing. Never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with a socket that will not close
            }
        }
    }

    // ---------------------------------------------------------------- wire plumbing (package-private for RetrievalBatch)

    boolean pipeliningActive() {
        return options.pipelining() && capabilities.pipelining();
    }

    /** Sends a command, reads the status line, returns its text; {@code -ERR} becomes an exception. */
    private String command(String line, String display) throws IOException {
        return StatusLine.text(requireOk(display, exchange(line, display)));
    }

    private String exchange(String line, String display) throws IOException {
        requireNoBatchInFlight();
        finishOpenData();
        sendLine(line, display);
        return readReply(display);
    }

    /** Reads a status line that must be {@code +OK} or {@code -ERR}. */
    String readReply(String display) throws IOException {
        String reply = readStatusLine();
        if (!StatusLine.isOk(reply) && !StatusLine.isErr(reply)) {
            throw broken(new Pop3MalformedResponseException("reply to " + display + " is neither +OK nor -ERR: "
                    + abbreviate(reply)));
        }
        return reply;
    }

    static String requireOk(String display, String reply) throws Pop3ErrorResponseException {
        if (StatusLine.isErr(reply)) {
            throw new Pop3ErrorResponseException(display, reply);
        }
        return reply;
    }

    private String readStatusLine() throws IOException {
        ensureOpen();
        try {
            String line = input.readLine(options.maxLineLength());
            log.received(line);
            return line;
        } catch (SocketTimeoutException e) {
            throw broken(new Pop3TimeoutException("no reply from " + host + ":" + port + " within "
                    + options.readTimeout().toMillis() + " ms", e));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private void sendLine(String line, String display) throws IOException {
        requireInStep(display);
        writeLine(line, display);
        try {
            out.flush();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /**
     * In lock-step, nothing may be waiting from the server before a command is sent: bytes already buffered
     * mean the server answered something twice (or sent a line of its own), and the reply read next would
     * belong to an earlier command. Cheap to check, so checked; bytes still in flight are not caught.
     */
    private void requireInStep(String display) throws IOException {
        if (input == null) {
            return;
        }
        String unsolicited = input.unsolicited();
        if (unsolicited != null) {
            throw broken(new Pop3MalformedResponseException("the server sent " + input.buffered()
                    + " octets nobody asked for before " + display
                    + " (out of step; e.g. two replies to one command): "
                    + abbreviate(unsolicited)));
        }
    }

    void writeLine(String line, String display) throws IOException {
        ensureOpen();
        CommandArguments.requireSafe(line, "command");
        log.sent(display);
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        } catch (IOException e) {
            throw broken(e);
        }
    }

    void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Reads the lines of a multi-line listing reply up to the terminating dot, bounded in count and length. */
    private List<String> readMultiLine(String display, int maxEntries) throws IOException {
        return readMultiLine(display, maxEntries, line -> line);
    }

    /**
     * Reads a multi-line reply, each line parsed as it arrives: a listing of 100,000 lines is never held as lines,
     * only as what they mean.
     */
    private <T> List<T> readMultiLine(String display, int maxEntries, LineParser<T> parser) throws IOException {
        List<T> items = new ArrayList<>();
        while (true) {
            String line = readStatusLine();
            if (line.startsWith(".")) {
                if (line.length() == 1) {
                    return items;
                }
                line = line.substring(1);
            }
            if (items.size() >= maxEntries) {
                throw broken(new Pop3MalformedResponseException("reply to " + display + " has more than "
                        + maxEntries + " lines"));
            }
            items.add(parser.parse(line));
        }
    }

    private interface LineParser<T> {
        T parse(String line) throws IOException;
    }

    /** A LIST or UIDL listing; only framing can fail it (each line is parsed as it arrives, and never fails). */
    private Listing readListing(String command) throws IOException {
        boolean uidl = command.equals("UIDL");
        List<MessageInfo> lines = readMultiLine(command, options.maxListingEntries(),
                line -> uidl ? ListingLines.uidlLine(line) : ListingLines.sizeLine(line));
        return Listing.of(command, lines);
    }

    MessageDataInputStream openDataStream() {
        openData = new MessageDataInputStream(input, this::dataFailure);
        return openData;
    }

    /** A reply's data could not be read to its end: the session is out of step, so it is closed. */
    private IOException dataFailure(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return broken(new Pop3TimeoutException("message data from " + host + ":" + port + " stopped for "
                    + options.readTimeout().toMillis() + " ms", e));
        }
        return broken(e);
    }

    /** A data reply left half-read would put the session out of step: read it to its end first. */
    private void finishOpenData() throws IOException {
        if (openData != null) {
            MessageDataInputStream data = openData;
            openData = null;
            try {
                data.close();
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /** Replies to a batch's pipelined RETRs are still due: another command now would read one of them. */
    private void requireNoBatchInFlight() {
        if (activeBatch != null && activeBatch.inFlight()) {
            throw new IllegalStateException("a RetrievalBatch still has RETR commands in flight: read it to the end or"
                    + " close it before sending another command");
        }
    }

    private boolean cleartextAllowed() {
        return secure || options.allowCleartextAuth() || isLoopbackPeer();
    }

    private void requireCleartextAllowed(String what) throws Pop3SecurityException {
        if (cleartextAllowed()) {
            return;
        }
        throw new Pop3SecurityException("refusing to send " + what + " to " + host + ":" + port
                + " over an unencrypted connection; use TLS (implicit or STLS) or allow"
                + " cleartext authentication explicitly");
    }

    private boolean isLoopbackPeer() {
        if (!options.loopbackIsTrusted()
                || options.proxy() != null && options.proxy().type() != Proxy.Type.DIRECT) {
            return false;
        }
        InetAddress peer = socket.getInetAddress();
        return peer != null && peer.isLoopbackAddress();
    }

    private void ensureOpen() throws Pop3ConnectionClosedException {
        if (closed) {
            throw new Pop3ConnectionClosedException("the POP3 session with " + host + ":" + port + " is closed");
        }
    }

    /** A failure after which the session cannot go on: closes the socket and returns the failure to throw. */
    <E extends IOException> E broken(E failure) {
        close();
        return failure;
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toByteArray();
    }
}
