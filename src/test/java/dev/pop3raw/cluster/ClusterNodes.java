package dev.pop3raw.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts and kills {@link ClusterNode} JVMs, or JVMs of another main class (the test JVM's java and class path). */
final class ClusterNodes implements AutoCloseable {

    private final Path logDir;
    private final Class<?> mainClass;
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Map<String, List<String>> args = new LinkedHashMap<>();
    private int starts;

    ClusterNodes(Path logDir) throws IOException {
        this(logDir, ClusterNode.class);
    }

    /** Nodes running {@code mainClass}, which gets {@code node=<name>} and the node's arguments, and prints STARTED. */
    ClusterNodes(Path logDir, Class<?> mainClass) throws IOException {
        this.logDir = Files.createDirectories(logDir);
        this.mainClass = mainClass;
    }

    /** Starts node {@code name} with {@code key=value} arguments and waits for its {@code STARTED} line. */
    synchronized Process start(String name, List<String> nodeArgs) throws IOException {
        args.put(name, List.copyOf(nodeArgs));
        return launch(name);
    }

    /** Starts a killed node again, with its previous arguments. */
    synchronized Process restart(String name) throws IOException {
        return launch(name);
    }

    private Process launch(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx160m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=cluster-node-log4j2.properties",
                "-Dpop3raw.node.log=" + logDir.resolve("node-" + name + ".log"),
                "-cp", System.getProperty("java.class.path"), mainClass.getName(), "node=" + name));
        cmd.addAll(args.get(name));
        starts++;
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Path out = logDir.resolve("node-" + name + ".out");
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("STARTED")) {
                        started.complete(true);
                    }
                    Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            started.complete(false);
        }, "node-" + name + "-out");
        pump.setDaemon(true);
        pump.start();
        running.put(name, p);
        try {
            if (!started.get(90, TimeUnit.SECONDS)) {
                throw new IOException("node " + name + " exited before it started; see " + out);
            }
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("node " + name + " did not start: " + e + "; see " + out, e);
        }
        return p;
    }

    /** SIGKILL: no shutdown hook, no QUIT, no repository cleanup. */
    synchronized void kill(String name) throws InterruptedException {
        Process p = running.remove(name);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the node's JVM freezes, every thread of it (as in a long GC pause or a stopped VM). */
    void pause(String name) throws Exception {
        signal("STOP", name);
    }

    /** SIGCONT: a paused node runs on. */
    void resume(String name) throws Exception {
        signal("CONT", name);
    }

    private void signal(String signal, String name) throws Exception {
        long pid = pid(name);
        if (pid < 0) {
            throw new IllegalStateException("node " + name + " does not run");
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    synchronized boolean isAlive(String name) {
        Process p = running.get(name);
        return p != null && p.isAlive();
    }

    /** The running node's process id (for /proc); -1 when it does not run. */
    synchronized long pid(String name) {
        Process p = running.get(name);
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    int starts() {
        return starts;
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (String name : new ArrayList<>(running.keySet())) {
            // a paused node dies of SIGKILL as well
            kill(name);
        }
    }
}
