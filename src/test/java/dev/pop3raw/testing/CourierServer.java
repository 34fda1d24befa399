package dev.pop3raw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Courier POP3 server (Debian's courier-pop 1.0.16 with courier-authdaemon 0.71 and its userdb module) on
 * loopback, for integration tests.
 *
 * <p>Courier's authentication library has its paths compiled in ({@code /etc/courier/authdaemonrc},
 * {@code /etc/courier/userdb.dat}, the socket {@code /run/courier/authdaemon/socket}, and STLS looks up a system
 * user {@code courier}). So the instance runs in private mount and PID namespaces ({@code unshare}, root only):
 * there {@code /etc} is an overlay whose changes land in the instance's directory, {@code /etc/courier} and
 * {@code /run/courier} are bind mounts of the instance's own directories, and a {@code courier} user is added to
 * the overlay's {@code /etc/passwd}. Nothing outside the temporary directory is changed, and killing the
 * namespace's first process ends every process of the instance.
 *
 * <ul>
 * <li>Users are in a private userdb with a crypt password and the HMAC secrets {@code userdbpw} makes: USER/PASS and
 * SASL PLAIN, LOGIN, CRAM-MD5, CRAM-SHA1 and CRAM-SHA256 work, over plain, STLS and implicit TLS
 * ({@code couriertls}). No APOP.</li>
 * <li>CAPA announces {@code LOGIN-DELAY 10} (fixed in Courier; it does not enforce it): {@link #logins(String)}
 * counts the logins the server logged, to check that a client respects it.</li>
 * <li>{@link #deliver(String, byte[])} writes a Maildir file (LF line ends, as Maildir stores mail; Courier sends
 * CRLF); the UIDL is derived from the file name.</li>
 * </ul>
 */
public final class CourierServer extends ExtractedPop3Server {

    /** The SASL mechanisms offered ({@code POP3AUTH}, also after STLS and over implicit TLS). */
    public static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN", "CRAM-MD5", "CRAM-SHA1", "CRAM-SHA256");
    /** The fixed {@code LOGIN-DELAY} in Courier's CAPA, in seconds. */
    public static final int LOGIN_DELAY_SECONDS = 10;
    private static final String POP3LOGIN = "usr/lib/courier/courier/courierpop3login";
    private static final String POP3D = "usr/lib/courier/courier/courierpop3d";
    private static final String AUTHDAEMOND = "usr/lib/courier/courier-authlib/authdaemond";
    private static final String MAKEDAT = "usr/lib/courier/courier-authlib/makedatprog";
    private static final String USERDBPW = "usr/sbin/userdbpw";
    private static final AtomicLong DELIVERIES = new AtomicLong();

    private final Path etc;
    /** userdb fields per user; the shadow ones (crypt and HMAC secrets from userdbpw) are made once per user. */
    private final Map<String, String> userdbLines = new LinkedHashMap<>();
    private final Map<String, String> shadowLines = new LinkedHashMap<>();

    private CourierServer(Path tree) throws IOException {
        super(tree, "courier", new Profile("Courier 1.0.16", MECHANISMS, MECHANISMS, false, true, true));
        this.etc = root.resolve("etc-courier");
    }

    /** Whether the extracted Courier is there (does not check for root). */
    public static boolean installed() {
        String dir = System.getenv("POP3RAW_SERVERS_DIR");
        Path tree = (dir != null && !dir.isBlank() ? Path.of(dir) : DEFAULT_DIR).resolve("root");
        return Files.isExecutable(tree.resolve(POP3LOGIN)) && Files.isExecutable(tree.resolve(AUTHDAEMOND));
    }

    /**
     * Starts a private Courier with the given users ({@code name, password, ...}). Skips the calling test outside CI,
     * fails it with {@code CI=true}, when Courier is not extracted, or not running as root.
     */
    public static CourierServer start(String... namesAndPasswords) throws IOException {
        Path tree = requireTree("Courier", POP3LOGIN, POP3D, AUTHDAEMOND, MAKEDAT, USERDBPW, "usr/sbin/couriertcpd",
                "usr/bin/couriertls");
        CourierServer server = new CourierServer(tree);
        server.startOrClose(() -> {
            Path r = server.root;
            Files.createDirectories(server.etc);
            Files.createDirectories(r.resolve("run-courier/authdaemon"));
            Files.createDirectories(r.resolve("home"));
            Files.writeString(server.etc.resolve("authdaemonrc"), String.join("\n",
                    "authmodulelist=\"authuserdb\"", "daemons=2", "authdaemonvar=/run/courier/authdaemon",
                    "DEBUG_LOGIN=0", "DEFAULTOPTIONS=\"\"", "LOGGEROPTS=\"\"", ""));
            // couriertls reads the key and the certificate from one file
            Path pem = r.resolve("pop3d.pem");
            Files.write(pem, (Files.readString(server.keyFile) + Files.readString(server.certFile))
                    .getBytes(StandardCharsets.US_ASCII));
            // STLS: courierpop3login runs couriertls as the user "courier" (here: nobody), which reads this file
            ServerKit.own(pem, "rw-------", server.mailIds);
            server.addUsers(namesAndPasswords);
            server.launch(Duration.ofSeconds(30));
        });
        return server;
    }

    /** The user's Maildir. */
    public Path maildir(String user) {
        if (!users().containsKey(user)) {
            throw new IllegalArgumentException("unknown user: " + user);
        }
        return root.resolve("home").resolve(user).resolve("Maildir");
    }

    @Override
    protected void provision(String name, String password) throws IOException {
        Path home = root.resolve("home").resolve(name);
        Files.createDirectories(home);
        ServerKit.own(home, "rwx------", mailIds);
        Path maildir = Files.createDirectories(home.resolve("Maildir"));
        ServerKit.own(maildir, "rwx------", mailIds);
        for (String sub : List.of("new", "cur", "tmp")) {
            ServerKit.own(Files.createDirectories(maildir.resolve(sub)), "rwx------", mailIds);
        }
        String secrets = "systempw=" + userdbpw(password) + "|hmac-md5pw=" + userdbpw(password, "-hmac-md5")
                + "|hmac-sha1pw=" + userdbpw(password, "-hmac-sha1") + "|hmac-sha256pw="
                + userdbpw(password, "-hmac-sha256");
        synchronized (this) {
            userdbLines.put(name, "uid=" + mailIds[0] + "|gid=" + mailIds[1] + "|home=" + home + "|mail=" + maildir);
            shadowLines.put(name, secrets);
            writeUserdb();
        }
    }

    /** Rebuilds userdb.dat and userdbshadow.dat from all users (authuserdb notices the new files). */
    private void writeUserdb() throws IOException {
        StringBuilder plain = new StringBuilder();
        StringBuilder shadow = new StringBuilder();
        userdbLines.forEach((user, fields) -> plain.append(user).append('\t').append(fields).append('\n'));
        shadowLines.forEach((user, fields) -> shadow.append(user).append('\t').append(fields).append('\n'));
        makedat(plain.append(".\n").toString(), "userdb.dat");
        makedat(shadow.append(".\n").toString(), "userdbshadow.dat");
    }

    private String userdbpw(String password, String... option) throws IOException {
        String[] cmd = Stream.concat(Stream.of(tree.resolve(USERDBPW).toString()), Stream.of(option))
                .toArray(String[]::new);
        return ServerKit.run(Duration.ofSeconds(30), (password + "\n").getBytes(StandardCharsets.UTF_8), root, cmd)
                .trim();
    }

    private void makedat(String lines, String name) throws IOException {
        ServerKit.run(Duration.ofSeconds(30), lines.getBytes(StandardCharsets.UTF_8), root, "/usr/bin/env",
                "LD_LIBRARY_PATH=" + libraryPath(), tree.resolve(MAKEDAT).toString(), "-",
                etc.resolve(name + ".tmp").toString(), etc.resolve(name).toString());
        ServerKit.own(etc.resolve(name), "rw-------", null);
    }

    /**
     * Writes the message into {@code Maildir/new} (via {@code tmp}, atomically), with CRLF turned into LF as
     * Maildir stores mail.
     */
    @Override
    public void deliver(String user, byte[] rfc822) throws IOException {
        Path maildir = maildir(user);
        String name = System.currentTimeMillis() / 1000 + ".M" + DELIVERIES.incrementAndGet() + "P"
                + ProcessHandle.current().pid() + ".pop3raw";
        Path tmp = maildir.resolve("tmp").resolve(name);
        Files.write(tmp, new String(rfc822, StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        ServerKit.own(tmp, "rw-------", mailIds);
        try {
            Files.move(tmp, maildir.resolve("new").resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename within one Maildir must be atomic", e);
        }
    }

    /** Messages in {@code new} and {@code cur} (no POP3 session, so no login is counted). */
    @Override
    public int messageCount(String user) throws IOException {
        int count = 0;
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(maildir(user).resolve(sub))) {
                count += (int) files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
            }
        }
        return count;
    }

    /** How many logins of the user the server has logged (both ports). */
    public long logins(String user) {
        Pattern login = Pattern.compile("^INFO: LOGIN, user=" + Pattern.quote(user) + ",", Pattern.MULTILINE);
        return login.matcher(readLog("pop3.log")).results().count() + login.matcher(readLog("pop3s.log")).results()
                .count();
    }

    @Override
    public String logText() {
        return "--- launch:\n" + readLog("launch.out") + "--- authdaemond:\n" + readLog("authdaemon.log")
                + "--- pop3:\n" + readLog("pop3.log") + "--- pop3s:\n" + readLog("pop3s.log");
    }

    @Override
    protected Process launchProcess() throws IOException {
        Path r = root;
        String tcpd = tree.resolve("usr/sbin/couriertcpd") + " -address=" + host()
                + " -nodnslookup -noidentlookup -maxprocs=40 -maxperip=40";
        String login = tree.resolve(POP3LOGIN) + " " + tree.resolve(POP3D) + " Maildir";
        String mechanisms = String.join(" ", MECHANISMS);
        List<String> script = new ArrayList<>(privateEtc());
        script.addAll(List.of(
                "mkdir -p /etc/courier",
                "mount --bind " + etc + " /etc/courier",
                "mount -t tmpfs -o mode=755 tmpfs /run",
                "mkdir -p /run/courier",
                "mount --bind " + r.resolve("run-courier") + " /run/courier",
                // STLS runs couriertls as the user 'courier'
                passwdLine("courier", "/nonexistent"),
                "echo 'courier:x:" + mailIds[1] + ":' >> /etc/group",
                "export LD_LIBRARY_PATH=" + libraryPath("usr/lib/courier-authlib"),
                "export LTDL_LIBRARY_PATH=" + tree.resolve("usr/lib/courier-authlib"),
                tree.resolve(AUTHDAEMOND) + " > " + r.resolve("authdaemon.log") + " 2>&1 &",
                "while [ ! -S /run/courier/authdaemon/socket ]; do sleep 0.05; done",
                "export POP3AUTH='" + mechanisms + "' POP3AUTH_TLS='" + mechanisms + "' POP3_STARTTLS=YES"
                        + " POP3_TLS_REQUIRED=0 COURIERTLS=" + tree.resolve("usr/bin/couriertls") + " TLS_CERTFILE="
                        + r.resolve("pop3d.pem") + " TLS_VERIFYPEER=NONE MAILDIRPATH=Maildir",
                tcpd + " -stderr=" + r.resolve("pop3.log") + " " + pop3Port + " " + login + " &",
                tcpd + " -stderr=" + r.resolve("pop3s.log") + " " + pop3sPort + " " + tree.resolve("usr/bin/couriertls")
                        + " -server -tcpd " + login + " &",
                "wait"));
        return startInNamespace(script);
    }
}
