package dev.pop3raw.client;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.client.sasl.SaslMechanism;

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
    /** The mechanism name that lets the client choose. */
    public static final String AUTO = Login.AUTO;

    /** A CAPA reply has a dozen lines; an endless one must not fill the heap before maxListingEntries. */
    private static final int MAX_CAPA_LINES = 1000;

    private final String host;
    private final int port;
    private final Pop3ClientOptions options;
    private final WireLog log;
    private final Pop3Transport transport;
    private final Pop3Wire wire;
    private final Login login;

    private boolean authenticated;
    private String welcome;
    private Capabilities capabilities = Capabilities.NONE;

    private Pop3Client(String host, int port, Pop3ClientOptions options) {
        this.host = host;
        this.port = port;
        this.options = options;
        this.log = new WireLog(host + ":" + port, options.debugLevel());
        this.transport = new Pop3Transport(host, port, options);
        this.wire = new Pop3Wire(transport, options, log, host + ":" + port);
        this.login = new Login(wire, transport, options, log, host, port);
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
        transport.connect();
        wire.attach();
        String greeting = wire.readStatusLine();
        if (StatusLine.isErr(greeting)) {
            throw new Pop3ErrorResponseException("the connection", greeting);
        }
        if (!StatusLine.isOk(greeting)) {
            throw new Pop3MalformedResponseException("not a POP3 server: the greeting does not start with +OK: "
                    + Pop3Wire.abbreviate(greeting));
        }
        welcome = greeting;
        capa();
        TlsMode mode = options.tlsMode();
        if (!transport.isSecure() && (mode == TlsMode.STARTTLS || mode == TlsMode.AUTO && capabilities.stls())) {
            if (!capabilities.stls()) {
                throw new Pop3SecurityException("STLS is required but " + host + ":" + port
                        + " does not offer it (CAPA: " + capabilities + ")");
            }
            stls();
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
        return transport.isSecure();
    }

    /** Whether a login succeeded (the session is in the TRANSACTION state). */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** Whether the connection has been closed (after QUIT, {@link #close()} or a failure). */
    public boolean isClosed() {
        return transport.isClosed();
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
        String status = wire.exchange("CAPA", "CAPA");
        capabilities = StatusLine.isOk(status)
                ? Capabilities.parse(wire.readMultiLine("CAPA", Math.min(MAX_CAPA_LINES, options.maxListingEntries())))
                : Capabilities.NONE;
        return capabilities;
    }

    /**
     * Upgrades the connection with STLS (RFC 2595): only before login, discards anything the server sent
     * before the handshake (it could have been injected in clear), checks the certificate and host name, and
     * asks CAPA again.
     */
    public void stls() throws IOException {
        if (transport.isSecure()) {
            throw new IllegalStateException("the session is already encrypted");
        }
        if (authenticated) {
            throw new IllegalStateException("STLS is only allowed before login (AUTHORIZATION state)");
        }
        try {
            wire.command("STLS", "STLS");
        } catch (Pop3ErrorResponseException e) {
            throw new Pop3SecurityException("STLS refused by " + host + ":" + port + ": " + e.serverText(), e);
        }
        wire.flush();
        transport.startTls();
        wire.attach();
        capa();
    }

    /**
     * Logs in choosing the strongest method the server offers for the credentials given (see
     * {@link #login(String, String, AccessTokenProvider, String)} with mechanism {@code auto}).
     */
    public String login(String username, String password) throws IOException {
        return login(username, password, null, AUTO);
    }

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
        return loggedIn(login.login(username, password, tokenProvider, mechanism, welcome, capabilities));
    }

    /** Sends USER (poplib's {@code user}); returns the server's text. */
    public String user(String username) throws IOException {
        return login.user(username);
    }

    /** Sends PASS (poplib's {@code pass_}); returns the server's text (often the maildrop size). */
    public String pass(String password) throws IOException {
        return loggedIn(login.pass(password));
    }

    /**
     * Logs in with APOP (RFC 1939 section 7): the MD5 digest of the greeting's timestamp and the secret is
     * sent, never the secret.
     *
     * @throws Pop3Exception when the greeting carries no well-formed timestamp
     */
    public String apop(String username, String secret) throws IOException {
        return loggedIn(login.apop(username, secret, welcome));
    }

    /** Sends RPOP (RFC 1081's r-command style login; obsolete, kept for poplib parity). */
    public String rpop(String username) throws IOException {
        return loggedIn(login.rpop(username));
    }

    /**
     * Authenticates with one SASL mechanism (RFC 5034). The initial response goes with the command when it
     * fits in 255 octets, else it answers the first challenge. A mechanism that fails on a challenge is
     * cancelled with {@code *}.
     *
     * @throws Pop3ErrorResponseException when the server refuses (see {@link ResponseCode#AUTH})
     */
    public String authenticate(SaslMechanism mechanism) throws IOException {
        return loggedIn(login.authenticate(mechanism));
    }

    /** Asks the server to accept UTF-8 (RFC 6856); lines are read as UTF-8 in any case. */
    public String utf8() throws IOException {
        return wire.command("UTF8", "UTF8");
    }

    /** The session is in the TRANSACTION state now; returns the login's reply text. */
    private String loggedIn(String replyText) throws IOException {
        authenticated = true;
        // RFC 2449: capabilities may change after login (Gmail adds TOP and PIPELINING only now)
        capa();
        return replyText;
    }

    // ---------------------------------------------------------------- TRANSACTION

    /**
     * {@code STAT}: the number of messages and their total size. A reply that is not {@code count size} fails this
     * call only: the session stays in step.
     */
    public MailboxStatus stat() throws IOException {
        return ListingLines.statReply(wire.command("STAT", "STAT"));
    }

    /**
     * {@code LIST}: every message with its size ({@link MessageInfo#uidl()} is null). A malformed line affects only
     * its message; see {@link Listing}.
     */
    public Listing list() throws IOException {
        wire.command("LIST", "LIST");
        return readListing("LIST");
    }

    /**
     * {@code LIST n}: one message's size. A reply that is not {@code n size} fails this call only (the session stays
     * in step), with a message naming what was wrong.
     */
    public MessageInfo list(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        return ListingLines.listReply(number, wire.command("LIST " + number, "LIST " + number));
    }

    /**
     * {@code UIDL}: every message with its unique id ({@link MessageInfo#size()} is -1). A malformed line affects only
     * its message; see {@link Listing}.
     */
    public Listing uidl() throws IOException {
        wire.command("UIDL", "UIDL");
        return readListing("UIDL");
    }

    /**
     * {@code UIDL n}: one message's unique id. A reply that is not {@code n unique-id}, with a unique-id as RFC 1939
     * defines it, fails this call only (the session stays in step), with a message naming what was wrong.
     */
    public MessageInfo uidl(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        return ListingLines.uidlReply(number, wire.command("UIDL " + number, "UIDL " + number));
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
            wire.prepareForCommand();
            wire.writeLine("UIDL", "UIDL");
            wire.writeLine("LIST", "LIST");
            wire.flush();
            if (StatusLine.isOk(wire.readReply("UIDL"))) {
                ids = readListing("UIDL");
            }
            Pop3Wire.requireOk("LIST", wire.readReply("LIST"));
            sized = readListing("LIST");
        } else {
            if (StatusLine.isOk(wire.exchange("UIDL", "UIDL"))) {
                ids = readListing("UIDL");
            }
            wire.command("LIST", "LIST");
            sized = readListing("LIST");
        }
        return Listing.join(sized, ids);
    }

    /** A LIST or UIDL listing; only framing can fail it (each line is parsed as it arrives, and never fails). */
    private Listing readListing(String command) throws IOException {
        boolean uidl = command.equals("UIDL");
        List<MessageInfo> lines = wire.readMultiLine(command, options.maxListingEntries(),
                line -> uidl ? ListingLines.uidlLine(line) : ListingLines.sizeLine(line));
        return Listing.of(command, lines);
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
        wire.command("RETR " + number, "RETR " + number);
        return wire.openDataStream();
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
        wire.command("TOP " + number + " " + lines, "TOP " + number + " " + lines);
        return wire.openDataStream();
    }

    /**
     * Retrieves several messages, keeping a window of RETR commands in flight when the server pipelines
     * (lock-step otherwise). Read each message's stream before asking for the next.
     */
    public RetrievalBatch retrieve(List<Integer> numbers) throws IOException {
        for (int n : numbers) {
            CommandArguments.requireMessageNumber(n);
        }
        wire.prepareForCommand();
        return new RetrievalBatch(wire, numbers, pipeliningActive() ? options.pipelineWindow() : 1);
    }

    /** {@code DELE n}: marks a message for deletion at QUIT. */
    public String dele(int number) throws IOException {
        CommandArguments.requireMessageNumber(number);
        return wire.command("DELE " + number, "DELE " + number);
    }

    /** {@code RSET}: unmarks every message marked for deletion. */
    public String rset() throws IOException {
        return wire.command("RSET", "RSET");
    }

    /** {@code NOOP}: a keep-alive. */
    public String noop() throws IOException {
        return wire.command("NOOP", "NOOP");
    }

    /**
     * {@code QUIT}: the server deletes what was marked and ends the session. The socket is closed whatever
     * happens (an {@code -ERR}, silence until the read timeout, a hang-up); those are still reported, since
     * they mean the deletions may not have happened.
     */
    public String quit() throws IOException {
        if (transport.isClosed()) {
            throw new Pop3ConnectionClosedException("QUIT not sent: the connection is already closed");
        }
        try {
            return wire.command("QUIT", "QUIT");
        } finally {
            close();
        }
    }

    /** Drops the connection without QUIT: a conforming server deletes nothing. Never throws. */
    @Override
    public void close() {
        transport.close();
    }

    private boolean pipeliningActive() {
        return options.pipelining() && capabilities.pipelining();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toByteArray();
    }
}
