package dev.pop3raw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A private Dovecot POP3 server on loopback, for integration tests and benchmarks.
 *
 * <p>{@link #start(Options)} writes a complete {@code dovecot.conf} into a fresh temporary directory
 * (own {@code base_dir}, {@code state_dir}, log file, passwd-file, self-signed certificate and Maildirs),
 * picks two free loopback ports (POP3 with STLS, and POP3S with implicit TLS), runs
 * {@code dovecot -F -c <conf>} as a child process and waits until both ports answer. The system Dovecot
 * (its config, its ports, its service) is never used. {@link #close()} kills the whole process tree and
 * deletes the directory; a JVM shutdown hook does the same if a test run dies before {@code close()}.
 *
 * <p>Passwords are stored as {@code {PLAIN.BASE64}}, so any password (spaces, colons, UTF-8) works, and
 * APOP, CRAM-MD5 and SCRAM can be used. UIDLs are the Maildir base file names ({@code pop3_uidl_format = %g}),
 * so the name {@link #deliver(String, byte[])} returns is the UIDL the server will report.
 *
 * <p>Known Dovecot 2.3.19 behaviours worth knowing in tests:
 * <ul>
 * <li>Loopback connections count as "secured", so plaintext USER/PASS is accepted without STLS anyway.</li>
 * <li>With {@link Options#pop3LockSession(boolean)} a second session of the same user waits about 10 seconds
 * (a fixed Dovecot lock timeout) before it gets {@code -ERR [IN-USE]}: use a read timeout above that.</li>
 * <li>Log lines are written by Dovecot's log process, asynchronously: use {@link #awaitLog(String, Duration)}
 * rather than reading {@link #logText()} once.</li>
 * <li>The logout line looks like {@code Disconnected: Logged out top=0/0, retr=1/49, del=1/2, size=66}
 * ({@code del=} marked-for-deletion/total messages); a dropped connection logs
 * {@code Disconnected: Connection closed ...} and commits no DELE.</li>
 * <li>A failed login is answered after ~0.5 s even with {@code auth_failure_delay = 0}. Dovecot's per-IP
 * auth penalty (2, 4, ... 15 s after failures) is off unless {@link Options#authPenalty(boolean)}.</li>
 * <li>Dovecot checks a passwd-file for changes at most once a second; hence one file per user (see
 * {@link #addUser(String, String)}).</li>
 * <li>Bare-LF message files are sent with CRLF.</li>
 * </ul>
 *
 * <p>Runs as root (CI): the mail processes run as {@code nobody} (or {@link Options#mailUser(String)}),
 * which owns the Maildirs. Not as root: everything runs as the current user (that path is untested).
 */
public final class DovecotServer extends LoopbackPop3Server {

    /** Auth mechanisms requested by default; all of them are accepted by Dovecot 2.3.19. */
    public static final List<String> DEFAULT_AUTH_MECHANISMS = List.of("plain", "login", "apop", "cram-md5",
            "scram-sha-1", "scram-sha-256");

    /** The format of the per-session logout line (Dovecot's default, written out explicitly). */
    public static final String LOGOUT_FORMAT = "top=%t/%p, retr=%r/%b, del=%d/%m, size=%s";

    private static final String HOST = ServerKit.HOST;
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@+-]+");
    private static final AtomicLong DELIVERY_COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Start-up settings. All setters return {@code this}. */
    public static final class Options {
        private final Map<String, String> users = new LinkedHashMap<>();
        private boolean pop3LockSession;
        private List<String> authMechanisms = DEFAULT_AUTH_MECHANISMS;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration authFailureDelay = Duration.ZERO;
        private String mailUser;
        private boolean authVerbose;
        private boolean authPenalty;
        private final List<String> extraConfig = new ArrayList<>();

        public static Options defaults() {
            return new Options();
        }

        /** Adds a user (name: letters, digits and {@code ._@+-}; password: anything). */
        public Options user(String name, String password) {
            checkUser(name);
            users.put(name, Objects.requireNonNull(password, "password"));
            return this;
        }

        /** {@code pop3_lock_session = yes}: a second concurrent session of a user gets {@code -ERR [IN-USE]}. */
        public Options pop3LockSession(boolean lock) {
            this.pop3LockSession = lock;
            return this;
        }

        /** Dovecot {@code auth_mechanisms}, e.g. {@code "plain", "cram-md5"}. */
        public Options authMechanisms(String... mechanisms) {
            this.authMechanisms = List.of(mechanisms);
            return this;
        }

        /** How long {@link #start(Options)} waits for both ports to answer (default 30 s). */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Dovecot {@code auth_failure_delay} (Dovecot's default is 2 s; here 0 so failed-login tests are
         * fast; Dovecot still answers a failure after ~0.5 s, its failure-flush interval). Whole seconds.
         */
        public Options authFailureDelay(Duration delay) {
            this.authFailureDelay = Objects.requireNonNull(delay);
            return this;
        }

        /**
         * System user that owns the Maildirs and runs the mail processes when the tests run as root
         * (default {@code nobody}, else {@code mail}). Ignored when not running as root: then the current
         * user is used.
         */
        public Options mailUser(String systemUser) {
            this.mailUser = systemUser;
            return this;
        }

        /**
         * Keep Dovecot's per-IP auth penalty (anvil): after failed logins from 127.0.0.1 every later
         * authentication from it waits 2, 4, 8 ... up to 15 s. Off by default (the {@code anvil-auth-penalty}
         * socket is not created, which Dovecot's auth treats as "penalty disabled"), since every test
         * connects from the same address.
         */
        public Options authPenalty(boolean penalty) {
            this.authPenalty = penalty;
            return this;
        }

        /** {@code auth_verbose = yes} and {@code auth_verbose_passwords = sha1}: auth failures in the log. */
        public Options authVerbose(boolean verbose) {
            this.authVerbose = verbose;
            return this;
        }

        /** A raw line appended to the generated dovecot.conf (last setting wins). */
        public Options extraConfig(String line) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("one line at a time");
            }
            this.extraConfig.add(line);
            return this;
        }
    }

    private final Path binary;
    private final Path confFile;
    private final Path passwdDir;
    private final Path logFile;
    private final Path stdoutFile;
    private final String instanceName;
    private final int mailUid;
    private final int mailGid;
    private final boolean asRoot;
    private final Map<String, String> users = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private Process process;

    private DovecotServer(Path binary, Path root, Options options) throws IOException {
        // the key is read by Dovecot's config process, which runs as root: ServerKit keeps it private
        super(root);
        this.binary = binary;
        this.confFile = root.resolve("dovecot.conf");
        this.passwdDir = root.resolve("passwd.d");
        this.logFile = root.resolve("dovecot.log");
        this.stdoutFile = root.resolve("dovecot.stdout");
        this.instanceName = "p3rtest" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        int currentUid = (Integer) Files.getAttribute(root, "unix:uid");
        this.asRoot = currentUid == 0;
        if (asRoot) {
            int[] ids = ServerKit.lookupSystemUser(options.mailUser);
            this.mailUid = ids[0];
            this.mailGid = ids[1];
        } else {
            this.mailUid = currentUid;
            this.mailGid = (Integer) Files.getAttribute(root, "unix:gid");
        }
        this.shutdownHook = new Thread(this::closeFromShutdownHook, "dovecot-" + instanceName + "-shutdown");
    }

    /** Starts a server with the default options and one user {@code test}/{@code secret}. */
    public static DovecotServer start() throws IOException {
        return start(Options.defaults().user("test", "secret"));
    }

    /**
     * Starts a private Dovecot. When the binary is missing this aborts the calling test outside CI and
     * fails it when {@code CI=true} (see {@link DovecotAvailability}).
     */
    public static DovecotServer start(Options options) throws IOException {
        Path binary = DovecotAvailability.requireDovecot();
        Path root = Files.createTempDirectory("pop3raw-dovecot-");
        DovecotServer server = null;
        try {
            // Dovecot's unprivileged processes (auth as "dovecot", mail as the mail user) must traverse it.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            server = new DovecotServer(binary, root, options);
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            for (Map.Entry<String, String> user : options.users.entrySet()) {
                server.users.put(user.getKey(), user.getValue());
                server.createMaildir(user.getKey());
                server.writePasswd(user.getKey());
            }
            server.launch(options);
            return server;
        } catch (IOException | RuntimeException | Error e) {
            if (server != null) {
                server.close();
            } else {
                deleteTree(root);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ API

    /** Users and passwords known to the server. */
    public synchronized Map<String, String> users() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /**
     * Adds a user, or changes a user's password, while the server runs.
     *
     * <p>Each user has a passwd-file of its own ({@code passwd.d/<user>}, the passdb path is
     * {@code passwd.d/%u}): Dovecot checks a passwd-file for changes at most once per second, so with one
     * shared file a user added right after a lookup could stay unknown for up to a second. A new file is
     * read at once. A password change has to wait for that second, so this method then blocks up to ~1 s.
     */
    public synchronized void addUser(String name, String password) throws IOException {
        checkUser(name);
        Objects.requireNonNull(password, "password");
        boolean isNew = !users.containsKey(name);
        users.put(name, password);
        if (isNew) {
            createMaildir(name);
        }
        writePasswd(name);
        if (!isNew) {
            ServerKit.sleep(1100); // let Dovecot's once-per-second passwd-file check see the new mtime
        }
    }

    /**
     * Delivers a message to {@code Maildir/new} of the user, atomically (written in {@code tmp}, then
     * renamed), owned by the mail user. Returns the file name, which is also the UIDL Dovecot reports.
     * The bytes are stored as given (Dovecot sends bare-LF files with CRLF, and dot-stuffs on the wire).
     */
    public String deliver(String user, byte[] rfc822) throws IOException {
        Path maildir = maildir(user);
        String name = newMaildirName();
        Path tmp = maildir.resolve("tmp").resolve(name);
        Files.write(tmp, rfc822);
        own(tmp, "rw-------");
        Path target = maildir.resolve("new").resolve(name);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename within one Maildir must be atomic", e);
        }
        return name;
    }

    /**
     * {@link #deliver(String, byte[])} for a message already in a file (large messages that should not be held in
     * memory): the file is moved into the Maildir (copied when it is on another file system). Returns the UIDL.
     */
    public String deliverFile(String user, Path rfc822) throws IOException {
        Path maildir = maildir(user);
        String name = newMaildirName();
        Path tmp = maildir.resolve("tmp").resolve(name);
        try {
            Files.move(rfc822, tmp);
        } catch (IOException e) {
            Files.copy(rfc822, tmp);
            Files.delete(rfc822);
        }
        own(tmp, "rw-------");
        Path target = maildir.resolve("new").resolve(name);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename within one Maildir must be atomic", e);
        }
        return name;
    }

    /** {@link #deliver(String, byte[])} with the UTF-8 bytes of {@code rfc822}, unchanged. */
    public String deliver(String user, String rfc822) throws IOException {
        return deliver(user, rfc822.getBytes(StandardCharsets.UTF_8));
    }

    /** Number of messages in {@code new} and {@code cur}: what is left after a session's QUIT. */
    public int messageCount(String user) throws IOException {
        Path maildir = maildir(user);
        return listMessages(maildir.resolve("new")).size() + listMessages(maildir.resolve("cur")).size();
    }

    /** Deletes every message of the user (new, cur and tmp). Do not call while a session is open. */
    public void clearMailbox(String user) throws IOException {
        Path maildir = maildir(user);
        for (String sub : List.of("new", "cur", "tmp")) {
            for (Path p : listMessages(maildir.resolve(sub))) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The user's Maildir (for tests that need to look at it directly). */
    public Path maildir(String user) {
        synchronized (this) {
            if (!users.containsKey(user)) {
                throw new IllegalArgumentException("unknown user: " + user);
            }
        }
        return root.resolve("home").resolve(user).resolve("Maildir");
    }

    /** The whole Dovecot log so far (master, login and per-session lines). */
    public String logText() {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(logFile);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the log contains {@code needle} and returns the log text; throws {@link AssertionError}
     * with the log tail on timeout. Dovecot writes its log asynchronously.
     */
    public String awaitLog(String needle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = logText();
            if (text.contains(needle)) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Dovecot log did not contain '" + needle + "' within " + timeout
                        + "; log tail:\n" + ServerKit.tail(text, 30));
            }
            ServerKit.sleep(50);
        }
    }

    /** How many POP3 logins of {@code user} Dovecot has logged so far (each poll of a consumer is one). */
    public int loginCount(String user) {
        String needle = "Login: user=<" + user + ">";
        String log = logText();
        int count = 0;
        for (int i = log.indexOf(needle); i >= 0; i = log.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    /** The generated dovecot.conf. */
    public Path configFile() {
        return confFile;
    }

    /** Process id of the Dovecot master, or -1 when not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** Stops Dovecot (the whole process tree, for sure) and deletes the temporary directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            killProcesses();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException ignored) {
                // JVM shutting down, or hook never registered
            }
            deleteTree(root);
        }
    }

    // ----------------------------------------------------------------------------- process control

    private void closeFromShutdownHook() {
        if (closed.compareAndSet(false, true)) {
            killProcesses();
            deleteTree(root);
        }
    }

    private void launch(Options options) throws IOException {
        String lastFailure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] ports = ServerKit.freePorts(2);
            pop3Port = ports[0];
            pop3sPort = ports[1];
            Files.writeString(confFile, config(options));
            Files.deleteIfExists(logFile);
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-F", "-c", confFile.toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(stdoutFile.toFile());
            process = pb.start();
            lastFailure = awaitReady(options.startTimeout);
            if (lastFailure == null) {
                return;
            }
            killProcesses();
            if (!lastFailure.contains("Address already in use")) {
                break; // only a lost port race is worth another try
            }
        }
        throw new IOException(lastFailure);
    }

    /** Returns null when both ports answer, else a description of the failure with the log tail. */
    private String awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "dovecot exited with status " + process.exitValue() + " before listening; " + diagnostics();
            }
            try {
                String greeting = ServerKit.readGreeting(pop3Port);
                if (!greeting.startsWith("+OK")) {
                    return "unexpected POP3 greeting '" + greeting + "'; " + diagnostics();
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(HOST, pop3sPort), 500);
                }
                return null;
            } catch (IOException e) {
                lastError = e.toString();
            }
            ServerKit.sleep(50);
        }
        return "dovecot did not answer on " + HOST + ":" + pop3Port + " and :" + pop3sPort + " within " + timeout
                + " (last error: " + lastError + "); " + diagnostics();
    }

    private String diagnostics() {
        String stdout = "";
        try {
            if (Files.exists(stdoutFile)) {
                stdout = Files.readString(stdoutFile, StandardCharsets.ISO_8859_1);
            }
        } catch (IOException ignored) {
            // best effort
        }
        return "config " + confFile + "\n--- dovecot stdout/stderr:\n" + ServerKit.tail(stdout, 20)
                + "\n--- dovecot log tail:\n" + ServerKit.tail(logText(), 30);
    }

    /**
     * Kills the master and every process of this instance. Safe to call repeatedly and from a hook.
     *
     * <p>SIGKILL, not SIGTERM: a graceful Dovecot shutdown takes 1 to 6 s for the master plus ~2 s until
     * its children notice, and a test server has nothing worth shutting down gracefully (QUIT has
     * committed what was committed). The master goes first so that it cannot respawn the children.
     */
    private void killProcesses() {
        ServerKit.killTree(process);
        // Children we did not see: Dovecot titles them "dovecot-<instance_name>/<service>", and one forked
        // but not yet exec'd still has the master's command line, which names our config file.
        sweepInstanceProcesses();
    }

    private void sweepInstanceProcesses() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return;
        }
        byte[] prefix = ("dovecot-" + instanceName + "/").getBytes(StandardCharsets.US_ASCII);
        String conf = confFile.toString();
        List<ProcessHandle> strays = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(h -> {
            try {
                byte[] cmd = Files.readAllBytes(proc.resolve(Long.toString(h.pid())).resolve("cmdline"));
                if (startsWith(cmd, prefix)
                        || new String(cmd, StandardCharsets.ISO_8859_1).replace('\0', ' ').contains(conf)) {
                    if (h.pid() != ProcessHandle.current().pid()) {
                        h.destroyForcibly();
                        strays.add(h);
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // process gone or not readable
            }
        });
        ServerKit.awaitExit(strays);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------- config files

    private String config(Options o) {
        StringBuilder c = new StringBuilder();
        c.append("# generated by dev.pop3raw.testing.DovecotServer for one test run\n");
        c.append("instance_name = ").append(instanceName).append('\n');
        c.append("protocols = pop3\n");
        c.append("listen = ").append(HOST).append('\n');
        c.append("base_dir = ").append(root.resolve("run")).append('\n');
        c.append("state_dir = ").append(root.resolve("state")).append('\n');
        c.append("log_path = ").append(logFile).append('\n');
        c.append("info_log_path = ").append(logFile).append('\n');
        c.append("debug_log_path = ").append(logFile).append('\n');
        c.append("ssl = yes\n");
        c.append("ssl_cert = <").append(certFile).append('\n');
        c.append("ssl_key = <").append(root.resolve("key.pem")).append('\n');
        Path dh = Path.of("/usr/share/dovecot/dh.pem");
        if (Files.isReadable(dh)) {
            c.append("ssl_dh = <").append(dh).append('\n');
        }
        c.append("disable_plaintext_auth = no\n");
        c.append("auth_mechanisms = ").append(String.join(" ", o.authMechanisms)).append('\n');
        c.append("auth_failure_delay = ").append(o.authFailureDelay.toSeconds()).append(" secs\n");
        if (o.authVerbose) {
            c.append("auth_verbose = yes\nauth_verbose_passwords = sha1\n");
        }
        c.append("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ").append(passwdDir).append("/%u\n}\n");
        c.append("userdb {\n  driver = passwd-file\n  args = ").append(passwdDir).append("/%u\n}\n");
        c.append("first_valid_uid = 1\nfirst_valid_gid = 1\n");
        c.append("mail_location = maildir:~/Maildir\n");
        c.append("pop3_uidl_format = %g\n");
        c.append("pop3_logout_format = ").append(LOGOUT_FORMAT).append('\n');
        c.append("pop3_lock_session = ").append(o.pop3LockSession ? "yes" : "no").append('\n');
        StringBuilder anvil = new StringBuilder();
        if (!o.authPenalty) {
            // mode 0: the socket is not created; auth then runs with the penalty disabled
            anvil.append("  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n");
        }
        if (!asRoot) {
            anvil.append("  chroot =\n");
        }
        if (anvil.length() > 0) {
            c.append("service anvil {\n").append(anvil).append("}\n");
        }
        if (!asRoot) {
            String me = System.getProperty("user.name");
            c.append("default_login_user = ").append(me).append('\n');
            c.append("default_internal_user = ").append(me).append('\n');
            c.append("service auth-worker {\n  user = $default_internal_user\n}\n");
        }
        c.append("service pop3-login {\n");
        if (!asRoot) {
            c.append("  chroot =\n");
        }
        c.append("  inet_listener pop3 {\n    address = ").append(HOST).append("\n    port = ").append(pop3Port)
                .append("\n  }\n");
        c.append("  inet_listener pop3s {\n    address = ").append(HOST).append("\n    port = ").append(pop3sPort)
                .append("\n    ssl = yes\n  }\n}\n");
        c.append("service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n"
                + "  inet_listener imaps {\n    port = 0\n  }\n}\n");
        for (String line : o.extraConfig) {
            c.append(line).append('\n');
        }
        return c.toString();
    }

    private synchronized void writePasswd(String user) throws IOException {
        if (!Files.isDirectory(passwdDir)) {
            Files.createDirectories(passwdDir);
            Files.setPosixFilePermissions(passwdDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String b64 = Base64.getEncoder().encodeToString(users.get(user).getBytes(StandardCharsets.UTF_8));
        String line = user + ":{PLAIN.BASE64}" + b64 + ":" + mailUid + ":" + mailGid + "::"
                + root.resolve("home").resolve(user) + "::\n";
        Path target = passwdDir.resolve(user);
        Path tmp = passwdDir.resolve("." + user + ".tmp");
        Files.writeString(tmp, line);
        // read by Dovecot's auth process, which runs as the unprivileged "dovecot" user
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        if (Files.exists(target)) {
            // a different mtime second guarantees Dovecot notices the change even if the size is equal
            long old = Files.getLastModifiedTime(target).toMillis() / 1000;
            long now = System.currentTimeMillis() / 1000;
            Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(Math.max(now, old + 1) * 1000));
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void createMaildir(String user) throws IOException {
        Path home = root.resolve("home");
        if (!Files.exists(home)) {
            Files.createDirectories(home);
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path userHome = home.resolve(user);
        Files.createDirectories(userHome);
        own(userHome, "rwx------");
        Path maildir = userHome.resolve("Maildir");
        Files.createDirectories(maildir);
        own(maildir, "rwx------");
        for (String sub : List.of("new", "cur", "tmp")) {
            Path d = maildir.resolve(sub);
            Files.createDirectories(d);
            own(d, "rwx------");
        }
    }

    private void own(Path p, String perms) throws IOException {
        ServerKit.own(p, perms, asRoot ? new int[]{mailUid, mailGid} : null);
    }

    // ------------------------------------------------------------------------------------- helpers

    private static void checkUser(String name) {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must match " + USER_NAME + ": " + name);
        }
    }

    private static String newMaildirName() {
        java.time.Instant now = java.time.Instant.now();
        // Maildir style: <seconds>.M<micros>P<pid>Q<counter>.<host>; the counter makes it unique
        return now.getEpochSecond() + ".M" + (now.getNano() / 1000) + "P" + ProcessHandle.current().pid()
                + "Q" + DELIVERY_COUNTER.incrementAndGet() + ".pop3raw";
    }

    private static List<Path> listMessages(Path dir) throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
                    result.add(p);
                }
            }
        }
        return result;
    }

    private static void deleteTree(Path dir) {
        TempTrees.delete(dir);
    }
}
