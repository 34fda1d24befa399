package dev.pop3raw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private popa3d 1.0.3 (Debian's popa3d) on loopback: the small inetd-style server, run under
 * {@code socat TCP-LISTEN:port,bind=127.0.0.1,fork EXEC:popa3d}. It has no CAPA (answers {@code -ERR}), no TLS, no
 * SASL and no APOP: USER/PASS only, checked by PAM ({@code pam_unix}) against the system's user database, and mbox
 * mailboxes in {@code /var/mail}.
 *
 * <p>So the instance runs in private mount and PID namespaces (root only, see {@link CourierServer}): its users are
 * added to the {@code /etc/passwd} and {@code /etc/shadow} of an overlay on {@code /etc} (with {@code /etc/pam.d/popa3d}
 * from the package), {@code /var/mail} is a bind mount of the instance's own directory, and the user {@code popa3d}
 * popa3d drops to and its empty {@code /var/lib/popa3d} exist only there.
 *
 * <p>{@link #deliver(String, byte[])} appends to the user's mbox ({@code From } separator line, LF line ends, body lines
 * starting with "From " quoted with {@code >}, which popa3d serves as stored). popa3d derives a UIDL from a few
 * header fields, not the whole message: give each message a distinct Message-ID or Date.
 */
public final class Popa3dServer extends ExtractedPop3Server {

    private static final String POPA3D = "usr/sbin/popa3d";
    private static final String PAM = "etc/pam.d/popa3d";

    private Popa3dServer(Path tree) throws IOException {
        super(tree, "popa3d", new Profile("popa3d 1.0.3", List.of(), List.of(), false, false, false));
    }

    /**
     * Starts a private popa3d with the given users ({@code name, password, ...}). Skips the calling test outside CI,
     * fails it with {@code CI=true}, when popa3d is not extracted, socat is missing, or not running as root.
     */
    public static Popa3dServer start(String... namesAndPasswords) throws IOException {
        Path tree = requireTree("popa3d", POPA3D, PAM);
        if (!Files.isExecutable(Path.of("/usr/bin/socat"))) {
            ServerKit.missing("socat is not installed", "apt-get install -y socat (or " + INSTALL + ")",
                    ServerKit.isCi());
        }
        Popa3dServer server = new Popa3dServer(tree);
        server.startOrClose(() -> {
            Files.createDirectories(server.root.resolve("mail"));
            server.launch(Duration.ofSeconds(30));
            server.addUsers(namesAndPasswords);
        });
        return server;
    }

    /** Adds the user to the namespace's passwd and shadow (a SHA-512 crypt hash made by openssl) and makes its mbox. */
    @Override
    protected void provision(String name, String password) throws IOException {
        String hash = ServerKit.run(Duration.ofSeconds(30), (password + "\n").getBytes(StandardCharsets.UTF_8), root,
                "openssl", "passwd", "-6", "-stdin").trim();
        // the hash arrives on stdin, so that it appears on no command line
        inNamespace(passwdLine(name, "/nonexistent") + " && cat >> /etc/shadow",
                (name + ":" + hash + ":19000:0:99999:7:::\n").getBytes(StandardCharsets.UTF_8));
        Path mbox = mbox(name);
        Files.write(mbox, new byte[0]);
        ServerKit.own(mbox, "rw-------", mailIds);
    }

    private Path mbox(String user) {
        return root.resolve("mail").resolve(user);
    }

    @Override
    public void deliver(String user, byte[] rfc822) throws IOException {
        if (!users().containsKey(user)) {
            throw new IllegalArgumentException("unknown user: " + user);
        }
        StringBuilder m = new StringBuilder("From sender@example.com Mon Dec  7 05:00:00 2026\n");
        for (String line : new String(rfc822, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").split("\n", -1)) {
            m.append(line.startsWith("From ") ? ">" : "").append(line).append('\n');
        }
        // a message ends with a blank line before the next separator
        String text = m.toString();
        text = text.endsWith("\n\n") ? text : text + "\n";
        Files.write(mbox(user), text.getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
    }

    @Override
    public String logText() {
        return readLog("launch.out");
    }

    @Override
    protected Process launchProcess() throws IOException {
        List<String> script = new ArrayList<>(privateEtc());
        script.addAll(List.of(
                "cp " + tree.resolve(PAM) + " /etc/pam.d/popa3d",
                passwdLine("popa3d", "/var/lib/popa3d"),
                "mount -t tmpfs -o mode=755 tmpfs /var/lib",
                "mkdir -p /var/lib/popa3d",
                "mount --bind " + root.resolve("mail") + " /var/mail",
                "exec socat TCP-LISTEN:" + pop3Port + ",bind=" + host() + ",reuseaddr,fork EXEC:" + tree.resolve(POPA3D)
                        + ",stderr"));
        return startInNamespace(script);
    }
}
