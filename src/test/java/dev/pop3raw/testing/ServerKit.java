package dev.pop3raw.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What the private real servers of the test kit (Dovecot, Cyrus, Courier) have in common: free loopback ports,
 * a self-signed certificate made by openssl, a system user for the mailboxes, running a command, waiting for a
 * greeting, and killing a process tree for sure.
 */
final class ServerKit {

    static final String HOST = "127.0.0.1";

    private ServerKit() {
    }

    // ------------------------------------------------------------------------------------- availability

    /** Whether this run is a CI run, i.e. the environment variable {@code CI} is {@code "true"}. */
    /**
     * Whether this run is a CI run: the environment variable {@code CI} is set to anything but empty, {@code "0"},
     * {@code "false"} or {@code "no"}. CI services spell it differently ({@code true}, {@code 1}, {@code yes}); a
     * spelling this method did not know would turn a missing server into a silent skip.
     */
    static boolean isCi() {
        return isCi(System.getenv("CI"));
    }

    static boolean isCi(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        return !v.isEmpty() && !v.equals("0") && !v.equals("false") && !v.equals("no");
    }

    /**
     * Aborts the calling test (skipped) outside CI and fails it in CI: a server the tests need is missing.
     *
     * @param what    e.g. "Dovecot is not installed (looked in ...)"
     * @param install how to install it
     */
    static void missing(String what, String install, boolean ci) {
        String message = what + "; install it with: " + install;
        if (ci) {
            Assertions.fail(message + " -- CI=true, so this fails the test instead of skipping it");
        }
        Assumptions.assumeTrue(false, message + " -- skipping (set CI=true to make this a failure)");
        throw new AssertionError("unreachable");
    }

    // ------------------------------------------------------------------------------------- ports, TLS

    static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    /**
     * Makes a self-signed certificate (CN=localhost, SAN IP:127.0.0.1 and DNS:localhost) with openssl:
     * {@code key} (mode 600) and {@code cert} in PEM. Returns the certificate.
     */
    static X509Certificate makeCertificate(Path key, Path cert) throws IOException {
        run(Duration.ofSeconds(60), null, key.getParent(), openssl(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "7",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(cert))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("cannot read generated certificate", e);
        }
    }

    private static String openssl() {
        for (String candidate : List.of("/usr/bin/openssl", "/usr/local/bin/openssl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "openssl";
    }

    /** A fresh SSLContext that trusts exactly {@code certificate} (and nothing else). */
    static SSLContext trusting(X509Certificate certificate) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("server", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build SSLContext", e);
        }
    }

    /** SHA-256 of the DER-encoded certificate, lowercase hex without separators. */
    static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------- users

    /** uid and gid of a system user from /etc/passwd; tries {@code preferred}, then nobody, then mail. */
    static int[] lookupSystemUser(String preferred) throws IOException {
        List<String> names = new ArrayList<>();
        if (preferred != null) {
            names.add(preferred);
        }
        names.add("nobody");
        names.add("mail");
        List<String> lines = Files.readAllLines(Path.of("/etc/passwd"));
        for (String name : names) {
            for (String line : lines) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(name)) {
                    int uid = Integer.parseInt(f[2]);
                    if (uid != 0) {
                        return new int[]{uid, Integer.parseInt(f[3])};
                    }
                }
            }
            if (preferred != null && name.equals(preferred)) {
                throw new IOException("system user '" + preferred + "' not found in /etc/passwd (or is root)");
            }
        }
        throw new IOException("no usable mail user: neither 'nobody' nor 'mail' is in /etc/passwd");
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Sets permissions and, when {@code ids} is not null, owner and group. */
    static void own(Path p, String perms, int[] ids) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        if (ids != null) {
            Files.setAttribute(p, "unix:gid", ids[1]);
            Files.setAttribute(p, "unix:uid", ids[0]);
        }
    }

    // ------------------------------------------------------------------------------------- processes

    /**
     * Runs a command to completion and returns its output (stdout and stderr); {@code stdin} (may be null) is
     * written to it first. Throws with the output on a non-zero exit. The output never contains {@code stdin}.
     */
    static String run(Duration timeout, byte[] stdin, Path dir, String... command) throws IOException {
        Path out = Files.createTempFile("pop3raw-cmd-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted: " + command[0], e);
            }
            String output = Files.readString(out, StandardCharsets.ISO_8859_1);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + String.join(" ", command) + "\n" + output);
            }
            if (p.exitValue() != 0) {
                throw new IOException("exit code " + p.exitValue() + ": " + String.join(" ", command) + "\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The first line a POP3 server sends on {@code port}; sends QUIT. */
    static String readGreeting(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n' && line.length() < 512) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return line.toString();
        }
    }

    /** Whether something accepts connections on the port. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills a process and all its descendants (SIGKILL) and waits until they are gone. */
    static void killTree(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(children);
    }

    static void awaitExit(List<ProcessHandle> handles) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : handles) {
            while (isRunning(h) && System.nanoTime() < deadline) {
                h.destroyForcibly();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether a process still runs. A zombie does not: it holds no port, file or memory any more, it only
     * waits to be reaped by init (a killed server's children are re-parented there, and init here may
     * take a second or two to reap them), and {@link ProcessHandle#isAlive()} still calls it alive.
     */
    static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"),
                    StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return Files.exists(Path.of("/proc", Long.toString(h.pid()))) || !Files.isDirectory(Path.of("/proc"));
        }
    }

    // ------------------------------------------------------------------------------------- misc

    static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
