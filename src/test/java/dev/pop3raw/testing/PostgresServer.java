package dev.pop3raw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A private PostgreSQL cluster on loopback, for the scale-out tests (shared idempotent repository).
 *
 * <p>{@link #start()} runs Debian's {@code initdb} into a fresh temporary directory, starts the server with
 * {@code pg_ctl} on a free loopback port (Unix socket in the same directory, never {@code /var/run/postgresql}),
 * creates the database {@code pop3raw} and returns. The system cluster of the {@code postgresql} package is never
 * used (or started). {@link #close()} stops the server ({@code pg_ctl stop -m immediate}) and deletes the
 * directory; a JVM shutdown hook does the same if a run dies before {@code close()}.
 *
 * <p>PostgreSQL refuses to run as root: as root, the cluster belongs to the system user {@code postgres} (created
 * by the Debian package) and every command runs through {@code runuser -u postgres --}. Not as root, it runs as
 * the current user. Authentication is {@code trust} for the superuser {@code pop3raw} on loopback only.
 *
 * <p>Binaries: {@code $PG_BINDIR}, else the highest {@code /usr/lib/postgresql/<major>/bin}. When they are
 * missing the calling test is skipped, or fails when {@code CI=true} (as {@link DovecotAvailability} does).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "pop3raw";
    public static final String USER = "pop3raw";
    private static final String HOST = "127.0.0.1";

    private final Path bin;
    private final Path root;
    private final Path data;
    private final boolean asRoot;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private int port;

    private PostgresServer(Path bin, Path root, boolean asRoot) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.asRoot = asRoot;
        this.shutdownHook = new Thread(this::closeQuietly, "postgres-" + root.getFileName() + "-shutdown");
    }

    /** The directory with initdb, pg_ctl and postgres, if installed. */
    public static Optional<Path> binDir() {
        String explicit = System.getenv("PG_BINDIR");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p.resolve("initdb")) ? Optional.of(p) : Optional.empty();
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (var dirs = Files.list(base)) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(b.getFileName().toString()),
                            Integer.parseInt(a.getFileName().toString())))
                    .map(d -> d.resolve("bin"))
                    .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The binaries; skips the calling test outside CI when missing, fails it when {@code CI=true}. */
    public static Path requirePostgres() {
        Optional<Path> dir = binDir();
        if (dir.isPresent()) {
            return dir.get();
        }
        ServerKit.missing("PostgreSQL is not installed (looked in $PG_BINDIR and /usr/lib/postgresql/*/bin)",
                "apt-get install -y postgresql", ServerKit.isCi());
        throw new AssertionError("unreachable");
    }

    /** initdb, start, create the database. */
    public static PostgresServer start() throws IOException {
        Path bin = requirePostgres();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path root = Files.createTempDirectory("pop3raw-postgres-");
        PostgresServer server = new PostgresServer(bin, root, asRoot);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.launch();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void launch() throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        if (asRoot) {
            UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(root, users.lookupPrincipalByName("postgres"));
        }
        run(Duration.ofSeconds(120), bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
        port = freePort();
        String opts = "-c listen_addresses=" + HOST + " -c port=" + port + " -c unix_socket_directories=" + root
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                + " -c shared_buffers=32MB";
        run(Duration.ofSeconds(60), bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                root.resolve("postgres.log").toString(), "-o", opts, "-w", "-t", "50", "start");
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("creating the database failed: " + e.getMessage() + "\n" + logTail(), e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/pop3raw}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** A new unpooled DataSource of the test database (one connection per {@code getConnection()}). */
    public DataSource dataSource() {
        return dataSource(HOST, port);
    }

    /** A DataSource for another JVM that only knows host and port. */
    public static PGSimpleDataSource dataSource(String host, int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[]{host});
        ds.setPortNumbers(new int[]{port});
        ds.setDatabaseName(DATABASE);
        ds.setUser(USER);
        return ds;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** The server log so far. */
    public String logTail() {
        try {
            Path log = root.resolve("postgres.log");
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void closeQuietly() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(Duration.ofSeconds(30), bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "stop");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgresServer: stopping " + data + " failed: " + e);
        }
        deleteTree(root);
    }

    private void run(Duration timeout, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asRoot) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        try {
            ServerKit.run(timeout, null, Path.of("/"), cmd.toArray(String[]::new));
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\n" + logTail(), e);
        }
    }

    private static int freePort() throws IOException {
        return ServerKit.freePorts(1)[0];
    }

    private static void deleteTree(Path dir) {
        if (!TempTrees.delete(dir)) {
            System.err.println("PostgresServer: could not delete " + dir);
        }
    }
}
