package dev.pop3raw.testing;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.TlsMode;

/**
 * A private instance of a POP3 server that Debian packages but that cannot be installed next to Dovecot (its
 * package {@code Conflicts: pop3-server}), run from the tree {@code .ci/install-pop3-servers} extracted with
 * {@code dpkg -x} ({@code $POP3RAW_SERVERS_DIR/root}, default {@code /opt/pop3raw-servers/root}).
 *
 * <p>Each instance lives in a fresh temporary directory (configuration, sockets, pid files, logs, mailboxes, a
 * self-signed certificate), listens on two free loopback ports (POP3 with STLS, POP3S with implicit TLS), and is
 * killed (the whole process tree) and deleted by {@link #close()}, or by a JVM shutdown hook if a run dies first.
 * Mailboxes belong to the system user {@code nobody}; the servers run as root and drop to it, as installed ones do.
 *
 * <p>When the extracted tree (or something else an instance needs) is missing, {@link #start} skips the calling
 * test outside CI and fails it when {@code CI=true}, as {@link DovecotAvailability} does for Dovecot.
 */
public abstract class ExtractedPop3Server extends LoopbackPop3Server {

    /** Where {@code .ci/install-pop3-servers} puts the servers by default. */
    public static final Path DEFAULT_DIR = Path.of("/opt/pop3raw-servers");
    static final String INSTALL = ".ci/install-pop3-servers (as root)";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * What a server offers, as the tests expect it.
     *
     * @param product     product and version, e.g. {@code "Cyrus 3.6.1"}
     * @param sasl        the SASL mechanisms offered in CAPA
     * @param saslOverTls the SASL mechanisms offered after STLS and over implicit TLS
     * @param apop        whether the greeting allows APOP
     * @param tls         whether STLS and implicit TLS (on the POP3S port) are offered
     * @param capa        whether CAPA (RFC 2449) is answered
     */
    protected record Profile(String product, List<String> sasl, List<String> saslOverTls, boolean apop, boolean tls,
            boolean capa) {
    }

    protected final Path tree;
    protected final int[] mailIds;
    private final Profile profile;
    protected Process process;
    private final Map<String, String> users = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    protected ExtractedPop3Server(Path tree, String kind, Profile profile) throws IOException {
        super(newRoot(kind));
        this.tree = tree;
        this.profile = profile;
        this.shutdownHook = new Thread(this::closeQuietly, kind + "-" + root.getFileName() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.mailIds = ServerKit.lookupSystemUser("nobody");
    }

    /** A fresh temporary directory that the servers' unprivileged processes (running as nobody) can traverse. */
    private static Path newRoot(String kind) throws IOException {
        Path dir = Files.createTempDirectory("pop3raw-" + kind + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /**
     * The extracted tree, or the calling test is skipped (outside CI) or failed ({@code CI=true}) when one of
     * {@code required} (paths relative to the tree) is missing, or when not running as root.
     */
    static Path requireTree(String server, String... required) {
        String explicit = System.getenv("POP3RAW_SERVERS_DIR");
        Path dir = explicit != null && !explicit.isBlank() ? Path.of(explicit) : DEFAULT_DIR;
        Path tree = dir.resolve("root");
        Optional<String> missing = List.of(required).stream().filter(r -> !Files.exists(tree.resolve(r))).findFirst();
        if (missing.isPresent()) {
            ServerKit.missing(server + " is not extracted (no " + tree.resolve(missing.get()) + ")", INSTALL,
                    ServerKit.isCi());
        }
        if (!ServerKit.isRoot()) {
            ServerKit.missing(server + " runs here only as root (it drops to 'nobody' itself)", "run the tests as root",
                    ServerKit.isCi());
        }
        return tree;
    }

    /** Runs {@code body} (the rest of the start-up); closes this server when it fails. */
    protected final void startOrClose(IoRunnable body) throws IOException {
        try {
            body.run();
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** An I/O action. */
    @FunctionalInterface
    protected interface IoRunnable {
        void run() throws IOException;
    }

    // ------------------------------------------------------------------------------------------ API

    /** The product and version, e.g. {@code "Cyrus 3.6.1"}. */
    public final String product() {
        return profile.product();
    }

    /** The SASL mechanisms the server is configured to offer. */
    public final List<String> saslMechanisms() {
        return profile.sasl();
    }

    /** The SASL mechanisms offered after STLS and over implicit TLS. */
    public final List<String> saslMechanismsOverTls() {
        return profile.saslOverTls();
    }

    /** Whether the server offers STLS and implicit TLS (on {@link #pop3sPort()}). */
    public final boolean offersTls() {
        return profile.tls();
    }

    /** Whether the server answers CAPA (RFC 2449). */
    public final boolean offersCapa() {
        return profile.capa();
    }

    /** Whether the server offers APOP (a timestamp in its greeting). */
    public final boolean offersApop() {
        return profile.apop();
    }

    /**
     * Delivers a message to the user's mailbox the server's own way; it is on the server when this returns. The
     * server may change it (Cyrus adds headers): compare with what the server serves.
     */
    public abstract void deliver(String user, byte[] rfc822) throws IOException;

    /** Adds a user with a mailbox (also while the server runs). */
    public final synchronized void addUser(String name, String password) throws IOException {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must match " + USER_NAME);
        }
        Objects.requireNonNull(password, "password");
        if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a password cannot contain a line break here");
        }
        users.put(name, password);
        provision(name, password);
    }

    /** {@link #addUser(String, String)} for each pair of {@code name, password, name, password, ...}. */
    public final void addUsers(String... namesAndPasswords) throws IOException {
        for (int i = 0; i + 1 < namesAndPasswords.length; i += 2) {
            addUser(namesAndPasswords[i], namesAndPasswords[i + 1]);
        }
    }

    /** Creates the user's credentials and mailbox. */
    protected abstract void provision(String name, String password) throws IOException;

    /** The users and passwords known to the server. */
    public synchronized Map<String, String> users() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** Number of messages in the user's mailbox; by default a POP3 STAT session (no session may be open). */
    public int messageCount(String user) throws IOException {
        String password = users().get(user);
        try (Pop3Client pop = Pop3Client.connect(host(), pop3Port, Pop3ClientOptions.builder().tlsMode(TlsMode.NONE)
                .readTimeout(Duration.ofSeconds(20)).build())) {
            pop.login(user, password, null, "USER");
            int count = pop.stat().messageCount();
            pop.quit();
            return count;
        }
    }

    /** The instance's temporary directory. */
    public Path root() {
        return root;
    }

    /** The text of a log file below {@link #root()} ("" when it does not exist yet). */
    protected String readLog(String name) {
        Path file = root.resolve(name);
        try {
            if (!Files.exists(file)) {
                return "";
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The server's own output, for failure messages. */
    public abstract String logText();

    // ------------------------------------------------------------------------------------------ process

    /** Writes the configuration for the current ports and starts the server process. */
    protected abstract Process launchProcess() throws IOException;

    /** Picks ports, starts, and waits until both ports answer; retries a lost port race. */
    protected final void launch(Duration timeout) throws IOException {
        String failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] ports = ServerKit.freePorts(2);
            pop3Port = ports[0];
            pop3sPort = ports[1];
            process = launchProcess();
            failure = awaitReady(timeout);
            if (failure == null) {
                return;
            }
            ServerKit.killTree(process);
            process = null;
            if (!failure.contains("in use")) {
                break;
            }
        }
        throw new IOException(failure);
    }

    private String awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return product() + " exited with status " + process.exitValue() + " before listening; log:\n"
                        + ServerKit.tail(logText(), 30);
            }
            try {
                String greeting = ServerKit.readGreeting(pop3Port);
                if (greeting.startsWith("+OK") && (!offersTls() || ServerKit.accepts(pop3sPort))) {
                    return null;
                }
                last = "greeting '" + greeting + "'";
            } catch (IOException e) {
                last = e.toString();
            }
            ServerKit.sleep(50);
        }
        return product() + " did not answer on " + ServerKit.HOST + ":" + pop3Port + " and :" + pop3sPort + " within "
                + timeout + " (last: " + last + "); log:\n" + ServerKit.tail(logText(), 30);
    }

    /** Stops the server (the whole process tree) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // JVM shutting down, or hook already removed
        }
    }

    private void closeQuietly() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ServerKit.killTree(process);
        } finally {
            TempTrees.delete(root);
        }
    }

    // ------------------------------------------------------------------------------------------ namespaces

    /**
     * The first lines of a script run by {@link #startInNamespace(List)}: a private mount namespace in which
     * {@code /etc} is an overlay whose changes land in {@code overlay/} of this instance (users, PAM or server
     * configuration at the paths a server has compiled in), leaving the real {@code /etc} untouched.
     */
    protected final List<String> privateEtc() throws IOException {
        Files.createDirectories(root.resolve("overlay/upper"));
        Files.createDirectories(root.resolve("overlay/work"));
        return List.of("set -e", "mount --make-rprivate /",
                "mount -t overlay overlay -o lowerdir=/etc,upperdir=" + root.resolve("overlay/upper") + ",workdir="
                        + root.resolve("overlay/work") + " /etc");
    }

    /** A script line that adds a system user (uid and gid of the mail user) to the namespace's /etc/passwd. */
    protected final String passwdLine(String name, String home) {
        return "echo '" + name + ":x:" + mailIds[0] + ":" + mailIds[1] + ":" + name + ":" + home
                + ":/usr/sbin/nologin' >> /etc/passwd";
    }

    /**
     * Runs the script (written to {@code launch.sh}, output in {@code launch.out}) as the first process of new mount
     * and PID namespaces: killing the returned process ({@code unshare --kill-child}) ends every process of the
     * instance, and its mounts disappear with it.
     */
    protected final Process startInNamespace(List<String> script) throws IOException {
        Files.writeString(root.resolve("launch.sh"), String.join("\n", script) + "\n");
        return new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh",
                root.resolve("launch.sh").toString()).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("launch.out").toFile()).start();
    }

    /** Runs a shell command inside the running instance's mount namespace ({@code nsenter}); stdin may be null. */
    protected final void inNamespace(String command, byte[] stdin) throws IOException {
        Process p = process;
        ProcessHandle init = p == null ? null : p.children().findFirst().orElse(null);
        if (init == null) {
            throw new IOException(product() + " is not running");
        }
        ServerKit.run(Duration.ofSeconds(30), stdin, root, "nsenter", "-t", Long.toString(init.pid()), "-m", "sh", "-c",
                command);
    }

    /** {@code LD_LIBRARY_PATH} for the extracted libraries (plus {@code extra} directories of the tree). */
    protected String libraryPath(String... extra) {
        StringBuilder path = new StringBuilder();
        for (String dir : extra) {
            path.append(tree.resolve(dir)).append(':');
        }
        return path.append(tree.resolve("usr/lib/x86_64-linux-gnu")).append(':').append(tree.resolve("usr/lib"))
                .toString();
    }
}
