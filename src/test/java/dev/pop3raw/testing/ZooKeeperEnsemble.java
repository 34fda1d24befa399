package dev.pop3raw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A ZooKeeper ensemble of {@code n} servers on loopback, each a JVM of its own running the real quorum code
 * ({@code org.apache.zookeeper.server.quorum.QuorumPeerMain} from the test class path), for the scale-out tests
 * (docs/operations.adoc, "ZooKeeper").
 *
 * <p>Each server gets a private data directory (with its {@code myid}) under one temporary directory and three free
 * loopback ports (client, quorum, leader election). The admin server is off; the four-letter words {@code srvr} and
 * {@code ruok} are enabled, and {@link #mode(int)} asks {@code srvr} whether a server is the quorum's leader.
 * {@link #kill(int)} SIGKILLs one server, {@link #restart(int)} starts it again on the same ports and data.
 * {@link #close()} kills every server and deletes the directory; a JVM shutdown hook does the same when a run
 * dies before {@code close()}.
 *
 * <p>{@value #TICK_MS} ms ticks: ZooKeeper accepts session timeouts from two to twenty ticks (2 to 20 s).
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

    /** ZooKeeper's time unit; sessions may last 2 to 20 ticks. */
    public static final int TICK_MS = 1000;
    private static final String HOST = "127.0.0.1";

    private final Path root;
    private final int[] clientPorts;
    private final int[] quorumPorts;
    private final int[] electionPorts;
    private final Process[] servers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private ZooKeeperEnsemble(Path root, int n) throws IOException {
        this.root = root;
        int[] ports = ServerKit.freePorts(3 * n);
        this.clientPorts = new int[n];
        this.quorumPorts = new int[n];
        this.electionPorts = new int[n];
        for (int i = 0; i < n; i++) {
            clientPorts[i] = ports[3 * i];
            quorumPorts[i] = ports[3 * i + 1];
            electionPorts[i] = ports[3 * i + 2];
        }
        this.servers = new Process[n];
        this.shutdownHook = new Thread(this::close, "zookeeper-" + root.getFileName() + "-shutdown");
    }

    /** Starts {@code n} servers (ids 1 to n) and waits until a quorum serves requests. */
    public static ZooKeeperEnsemble start(int n) throws IOException {
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(Files.createTempDirectory("pop3raw-zookeeper-"), n);
        Runtime.getRuntime().addShutdownHook(ensemble.shutdownHook);
        try {
            for (int id = 1; id <= n; id++) {
                ensemble.writeConfig(id);
                ensemble.launch(id);
            }
            ensemble.awaitLeader(Duration.ofSeconds(60));
            return ensemble;
        } catch (IOException | RuntimeException | Error e) {
            ensemble.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}: every server, as a client names the ensemble. */
    public String connectString() {
        StringJoiner j = new StringJoiner(",");
        for (int port : clientPorts) {
            j.add(HOST + ":" + port);
        }
        return j.toString();
    }

    public int size() {
        return servers.length;
    }

    public int clientPort(int id) {
        return clientPorts[id - 1];
    }

    private void writeConfig(int id) throws IOException {
        Path data = Files.createDirectories(root.resolve("server-" + id));
        Files.writeString(data.resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=").append(TICK_MS).append('\n')
                .append("initLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(data).append('\n')
                .append("clientPort=").append(clientPorts[id - 1]).append('\n')
                .append("clientPortAddress=").append(HOST).append('\n')
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=srvr,ruok\n")
                .append("maxClientCnxns=0\n")
                .append("preAllocSize=4096\n")
                .append("forceSync=no\n");
        for (int i = 0; i < servers.length; i++) {
            cfg.append("server.").append(i + 1).append('=').append(HOST).append(':').append(quorumPorts[i])
                    .append(':').append(electionPorts[i]).append('\n');
        }
        Files.writeString(root.resolve("zoo-" + id + ".cfg"), cfg.toString());
    }

    private synchronized void launch(int id) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=cluster-node-log4j2.properties",
                "-Dpop3raw.node.log=" + root.resolve("server-" + id + ".log"),
                "-Dzookeeper.jmx.log4j.disable=true",
                "-cp", System.getProperty("java.class.path"), "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                root.resolve("zoo-" + id + ".cfg").toString()));
        servers[id - 1] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(root.resolve("server-" + id + ".out").toFile()).start();
    }

    /** SIGKILLs server {@code id} (1-based) and waits until it is gone. */
    public synchronized void kill(int id) {
        ServerKit.killTree(servers[id - 1]);
        servers[id - 1] = null;
    }

    /** Starts a killed server again, with its data directory and ports. */
    public synchronized void restart(int id) throws IOException {
        if (servers[id - 1] != null && servers[id - 1].isAlive()) {
            throw new IllegalStateException("server " + id + " runs");
        }
        launch(id);
    }

    public synchronized boolean isRunning(int id) {
        return servers[id - 1] != null && servers[id - 1].isAlive();
    }

    /**
     * What {@code srvr} says server {@code id} is: {@code leader}, {@code follower} (or {@code standalone}); empty
     * when it does not answer or does not serve requests (no quorum, an election running).
     */
    public String mode(int id) {
        String reply = fourLetterWord(clientPorts[id - 1], "srvr");
        for (String line : reply.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return "";
    }

    /** The id of the server that is the quorum's leader now, if one is. */
    public OptionalInt leader() {
        for (int id = 1; id <= servers.length; id++) {
            if (isRunning(id) && "leader".equals(mode(id))) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Waits until a running server is the leader and a majority of the servers serve requests. */
    public int awaitLeader(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalInt leader = leader();
            if (leader.isPresent() && serving() > servers.length / 2) {
                return leader.getAsInt();
            }
            ServerKit.sleep(100);
        }
        throw new IOException("no ZooKeeper quorum within " + timeout + "; modes " + modes() + "; see " + root);
    }

    /** How many servers answer {@code srvr} as leader or follower. */
    public int serving() {
        int n = 0;
        for (int id = 1; id <= servers.length; id++) {
            String mode = isRunning(id) ? mode(id) : "";
            if ("leader".equals(mode) || "follower".equals(mode)) {
                n++;
            }
        }
        return n;
    }

    /** Each server's mode, for messages: {@code [1=follower, 2=leader, 3=down]}. */
    public String modes() {
        List<String> modes = new ArrayList<>();
        for (int id = 1; id <= servers.length; id++) {
            String mode = isRunning(id) ? mode(id) : "down";
            modes.add(id + "=" + (mode.isEmpty() ? "not serving" : mode));
        }
        return modes.toString();
    }

    /** Sends a four-letter word and returns the reply ("" when the server does not answer). */
    static String fourLetterWord(int port, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(8192), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    /** The server's log, for failure messages. */
    public String log(int id) {
        try {
            return Files.readString(root.resolve("server-" + id + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            for (int id = 1; id <= servers.length; id++) {
                kill(id);
            }
        }
        TempTrees.delete(root);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
    }
}
