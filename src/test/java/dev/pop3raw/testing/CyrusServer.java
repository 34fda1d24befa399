package dev.pop3raw.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private Cyrus IMAP/POP3 server (Debian's cyrus-pop3d 3.6.1 with cyrus-common) on loopback, for integration tests.
 *
 * <p>{@link #start(String...)} writes an {@code imapd.conf} and a {@code cyrus.conf} into a fresh temporary directory
 * (own {@code configdirectory}, mail partition, LMTP socket, pid file, sasldb and certificate), and runs Cyrus's
 * {@code master} with them from the extracted tree; {@code master} starts {@code pop3d} on a free POP3 port (STLS)
 * and {@code pop3d -s} on a free POP3S port (implicit TLS), and {@code lmtpd} on a private Unix socket.
 *
 * <ul>
 * <li>Users live in a private sasldb ({@code saslpasswd2 -f}, realm {@code localhost}, the password is stored as
 * given): USER/PASS, APOP and the SASL mechanisms PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5, SCRAM-SHA-1 and SCRAM-SHA-256
 * (from libsasl2-modules) all work; over TLS Cyrus also offers SCRAM-SHA-1-PLUS and SCRAM-SHA-256-PLUS. The INBOX
 * is created at the first login or delivery ({@code autocreate_quota}).</li>
 * <li>{@link #deliver(String, byte[])} hands the message to {@code lmtpd} over its private socket (LMTP), as
 * Cyrus's own {@code deliver} does.
 * Cyrus rewrites {@code Return-Path} and adds {@code Received}, {@code X-Cyrus-Session-Id} and {@code X-Sieve}
 * headers (and {@code Message-ID}/{@code Date} when missing): compare with what the server serves.</li>
 * <li>CAPA announces {@code EXPIRE NEVER}, {@code LOGIN-DELAY 0}, {@code RESP-CODES}, {@code PIPELINING}; a mailbox
 * is locked by a session (a second one is refused with {@code -ERR [IN-USE]}).</li>
 * <li>Cyrus logs only to syslog, which a test machine usually lacks: {@link #logText()} has the master's stderr
 * (fatal errors) only.</li>
 * </ul>
 */
public final class CyrusServer extends ExtractedPop3Server {

    /** The SASL mechanisms offered ({@code sasl_mech_list}). */
    public static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1",
            "SCRAM-SHA-256");
    /** Over TLS Cyrus adds the channel-binding variants (the client does SCRAM-SHA-256 without channel binding). */
    public static final List<String> MECHANISMS_OVER_TLS = List.of("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5",
            "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS");
    private static final String BIN = "usr/lib/cyrus/bin/";
    private static final String REALM = "localhost";

    private final Path conf;
    private final Path sasldb;

    private CyrusServer(Path tree) throws IOException {
        super(tree, "cyrus", new Profile("Cyrus 3.6.1", MECHANISMS, MECHANISMS_OVER_TLS, true, true, true));
        this.conf = root.resolve("imapd.conf");
        this.sasldb = root.resolve("sasldb2");
    }

    /** Whether the extracted Cyrus and saslpasswd2 are there (does not check for root). */
    public static boolean installed() {
        String dir = System.getenv("POP3RAW_SERVERS_DIR");
        Path tree = (dir != null && !dir.isBlank() ? Path.of(dir) : DEFAULT_DIR).resolve("root");
        return Files.isExecutable(tree.resolve(BIN + "master")) && Files.isExecutable(Path.of("/usr/sbin/saslpasswd2"));
    }

    /**
     * Starts a private Cyrus with the given users ({@code name, password, name, password, ...}). Skips the calling
     * test outside CI, fails it with {@code CI=true}, when Cyrus is not extracted or saslpasswd2 is missing.
     */
    public static CyrusServer start(String... namesAndPasswords) throws IOException {
        Path tree = requireTree("Cyrus", BIN + "master", BIN + "pop3d", BIN + "lmtpd");
        if (!Files.isExecutable(Path.of("/usr/sbin/saslpasswd2"))) {
            ServerKit.missing("saslpasswd2 is not installed", "apt-get install -y sasl2-bin (or " + INSTALL + ")",
                    ServerKit.isCi());
        }
        CyrusServer server = new CyrusServer(tree);
        server.startOrClose(() -> {
            for (String sub : List.of("lib", "spool", "socket")) {
                Path d = Files.createDirectories(server.root.resolve(sub));
                ServerKit.own(d, "rwx------", server.mailIds);
            }
            // read by pop3d, which runs as nobody
            ServerKit.own(server.keyFile, "rw-------", server.mailIds);
            server.addUsers(namesAndPasswords);
            server.launch(Duration.ofSeconds(30));
        });
        return server;
    }

    @Override
    protected void provision(String name, String password) throws IOException {
        ServerKit.run(Duration.ofSeconds(30), (password + "\n").getBytes(StandardCharsets.UTF_8), root,
                "/usr/sbin/saslpasswd2", "-f", sasldb.toString(), "-u", REALM, "-p", "-c", name);
        ServerKit.own(sasldb, "rw-------", mailIds);
    }

    @Override
    public void deliver(String user, byte[] rfc822) throws IOException {
        if (!users().containsKey(user)) {
            throw new IllegalArgumentException("unknown user: " + user);
        }
        // LMTP to lmtpd's private socket, as Cyrus's own deliver does, without a process per message
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(root.resolve("socket/lmtp")))) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            OutputStream out = Channels.newOutputStream(channel);
            lmtpReply(in, "220");
            lmtp(out, in, "LHLO localhost", "250");
            lmtp(out, in, "MAIL FROM:<sender@example.com>", "250");
            lmtp(out, in, "RCPT TO:<" + user + ">", "250");
            lmtp(out, in, "DATA", "354");
            out.write(dotStuffed(rfc822));
            lmtp(out, in, ".", "250");
            lmtp(out, in, "QUIT", "221");
        }
    }

    /** The message with CRLF line ends and leading dots doubled (RFC 5321 4.5.2). */
    private static byte[] dotStuffed(byte[] rfc822) {
        String text = new String(rfc822, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        StringBuilder data = new StringBuilder(text.length() + 64);
        for (String line : text.split("\n", -1)) {
            data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void lmtp(OutputStream out, InputStream in, String command, String expected) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        lmtpReply(in, expected);
    }

    /** Reads a (multi-line) LMTP reply and checks its code. */
    private static void lmtpReply(InputStream in, String expected) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r' && line.length() < 1000) {
                    line.append((char) c);
                }
            }
            if (c < 0 || !line.toString().startsWith(expected)) {
                throw new IOException("lmtpd answered '" + line + "', expected " + expected);
            }
            if (line.length() < 4 || line.charAt(3) != '-') {
                return;
            }
        }
    }

    @Override
    public String logText() {
        return readLog("master.out");
    }

    @Override
    protected Process launchProcess() throws IOException {
        String bin = tree.resolve(BIN).toString() + "/";
        String c = " -C " + conf;
        Files.writeString(conf, String.join("\n",
                "# generated by dev.pop3raw.testing.CyrusServer for one test run",
                "configdirectory: " + root.resolve("lib"),
                "partition-default: " + root.resolve("spool"),
                "cyrus_user: nobody",
                "servername: " + REALM,
                "sasl_pwcheck_method: auxprop",
                "sasl_auxprop_plugin: sasldb",
                "sasl_sasldb_path: " + sasldb,
                "sasl_mech_list: " + String.join(" ", MECHANISMS),
                "allowplaintext: yes",
                "allowapop: yes",
                "tls_server_cert: " + certFile,
                "tls_server_key: " + keyFile,
                "lmtpsocket: " + root.resolve("socket/lmtp"),
                "idlesocket: " + root.resolve("socket/idle"),
                "notifysocket: " + root.resolve("socket/notify"),
                "unixhierarchysep: yes",
                "autocreate_post: yes",
                "autocreate_quota: 0",
                "popminpoll: 0",
                "syslog_prefix: pop3raw-cyrus-test",
                ""));
        // master passes no -C to what it starts: every command names the config itself
        Files.writeString(root.resolve("cyrus.conf"), String.join("\n",
                "START {",
                "  recover cmd=\"" + bin + "ctl_cyrusdb" + c + " -r\"",
                "}",
                "SERVICES {",
                "  pop3 cmd=\"" + bin + "pop3d" + c + "\" listen=\"" + host() + ":" + pop3Port + "\" prefork=0",
                "  pop3s cmd=\"" + bin + "pop3d -s" + c + "\" listen=\"" + host() + ":" + pop3sPort + "\" prefork=0",
                "  lmtpunix cmd=\"" + bin + "lmtpd" + c + "\" listen=\"" + root.resolve("socket/lmtp") + "\" prefork=0",
                "}",
                ""));
        ProcessBuilder pb = new ProcessBuilder(bin + "master", "-C", conf.toString(), "-M",
                root.resolve("cyrus.conf").toString(), "-p", root.resolve("master.pid").toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(root.resolve("master.out").toFile());
        pb.environment().put("LD_LIBRARY_PATH", libraryPath());
        return pb.start();
    }
}
