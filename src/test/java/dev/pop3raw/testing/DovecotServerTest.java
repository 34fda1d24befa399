package dev.pop3raw.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the private Dovecot harness, with raw sockets only (independent of our POP3 client).
 */
class DovecotServerTest {

    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger USER_SEQ = new AtomicInteger();

    private static DovecotServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = DovecotServer.start(DovecotServer.Options.defaults().user("alice", "secret").authVerbose(true));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            String log = server.logText();
            server.close();
            // e.g. a permission problem, or a stale anvil-auth-penalty socket, would show up here
            assertFalse(log.contains(": Error: ") || log.contains(": Fatal: "), log);
        }
    }

    /** A fresh user per test, so log lines and mailboxes of tests never mix (also exercises addUser). */
    private static String newUser(String password) throws IOException {
        String name = "u" + USER_SEQ.incrementAndGet();
        server.addUser(name, password);
        return name;
    }

    @Test
    void greetingAndCapaOnPlainPort() throws IOException {
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            String greeting = w.line();
            assertTrue(greeting.startsWith("+OK"), greeting);
            assertTrue(greeting.matches(".*<[^>]+@[^>]+>.*"), "APOP timestamp in greeting: " + greeting);
            List<String> capa = w.multiline("CAPA");
            assertTrue(capa.contains("STLS"), capa.toString());
            assertTrue(capa.contains("UIDL"), capa.toString());
            assertTrue(capa.contains("PIPELINING"), capa.toString());
            assertTrue(capa.contains("RESP-CODES"), capa.toString());
            String sasl = capa.stream().filter(l -> l.startsWith("SASL ")).findFirst().orElseThrow();
            for (String mech : List.of("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256")) {
                assertTrue((" " + sasl + " ").contains(" " + mech + " "), sasl);
            }
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
    }

    @Test
    void stlsUpgradesWithTheGeneratedCertificate() throws IOException {
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            w.line();
            assertTrue(w.command("STLS").startsWith("+OK"));
            w.startTls(server.sslContext(), server.host(), server.pop3Port());
            List<String> capa = w.multiline("CAPA");
            assertFalse(capa.contains("STLS"), "no STLS after TLS: " + capa);
            assertTrue(w.command("USER alice").startsWith("+OK"));
            assertTrue(w.command("PASS secret").startsWith("+OK"));
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
    }

    @Test
    void implicitTlsTrustsExactlyTheGeneratedCertificate() throws Exception {
        try (SSLSocket s = (SSLSocket) server.sslContext().getSocketFactory()
                .createSocket(server.host(), server.pop3sPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            byte[] der = s.getSession().getPeerCertificates()[0].getEncoded();
            assertEquals(server.certificateSha256(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
            Wire w = new Wire(s);
            assertTrue(w.line().startsWith("+OK"));
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
        assertEquals(64, server.certificateSha256().length());
        try (SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory()
                .createSocket(server.host(), server.pop3sPort())) {
            s.setSoTimeout(10_000);
            assertThrows(SSLHandshakeException.class, s::startHandshake);
        }
    }

    @Test
    void deliverUidlRetrDeleQuit() throws Exception {
        String user = newUser("pw with space:and colon");
        byte[] first = "From: a@example.org\r\nSubject: one\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] second = ("From: b@example.org\r\nSubject: two\r\n\r\n.leading dot\r\n.\r\nend\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        String name1 = server.deliver(user, first);
        String name2 = server.deliver(user, second);
        assertEquals(2, server.messageCount(user));

        Map<String, Integer> uidls;
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            login(w, user, "pw with space:and colon");
            uidls = uidl(w);
            assertEquals(Set.of(name1, name2), uidls.keySet(), "UIDL = Maildir base names");
            int n2 = uidls.get(name2);
            assertTrue(w.command("RETR " + n2).startsWith("+OK"));
            byte[] wire = w.rawMultilineBody();
            byte[] stuffed = ("From: b@example.org\r\nSubject: two\r\n\r\n..leading dot\r\n..\r\nend\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(stuffed, wire, new String(wire, StandardCharsets.US_ASCII));
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
        server.awaitLog("pop3(" + user + ")", LOG_WAIT);

        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            login(w, user, "pw with space:and colon");
            assertEquals(uidls, uidl(w), "UIDLs stable across sessions");
            int n1 = uidls.get(name1);
            assertTrue(w.command("DELE " + n1).startsWith("+OK"));
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
        String log = server.awaitLog("del=1/2", LOG_WAIT);
        assertEquals(1, server.messageCount(user));
        List<String> logouts = logoutLines(log, user);
        assertEquals(2, logouts.size(), log);
        assertTrue(logouts.get(0).contains("retr=1/"), logouts.get(0));
        assertTrue(logouts.get(0).contains("del=0/2"), logouts.get(0));
        assertTrue(logouts.get(1).contains("retr=0/0"), logouts.get(1));
        assertTrue(logouts.get(1).contains("del=1/2"), logouts.get(1));

        server.clearMailbox(user);
        assertEquals(0, server.messageCount(user));
    }

    @Test
    void deleWithoutQuitDeletesNothing() throws Exception {
        String user = newUser("pw");
        server.deliver(user, "Subject: a\n\nbare LF body\n");
        server.deliver(user, "Subject: b\r\n\r\nbody\r\n");
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            login(w, user, "pw");
            assertTrue(w.command("RETR 1").startsWith("+OK"));
            byte[] body = w.rawMultilineBody();
            assertFalse(new String(body, StandardCharsets.US_ASCII).replace("\r\n", "").contains("\n"),
                    "Dovecot sends CRLF even for bare-LF files");
            assertTrue(w.command("DELE 1").startsWith("+OK"));
            assertTrue(w.command("DELE 2").startsWith("+OK"));
        } // socket closed without QUIT
        String log = server.awaitLog("pop3(" + user + ")", LOG_WAIT);
        List<String> lines = logoutLines(log, user);
        assertEquals(1, lines.size(), log);
        assertTrue(lines.get(0).contains("Disconnected"), lines.get(0));
        assertTrue(lines.get(0).contains("retr=1/"), lines.get(0));
        assertEquals(2, server.messageCount(user));
    }

    @Test
    void wrongPasswordIsRejectedAndApopAndCramMd5Work() throws Exception {
        String user = newUser("s3cret pw");
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            String greeting = w.line();
            assertTrue(w.command("USER " + user).startsWith("+OK"));
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                String reply = w.command("PASS wrong");
                assertTrue(reply.startsWith("-ERR [AUTH]"), reply);
                // no 2 s auth_failure_delay and no growing anvil penalty (2, 4, 8 s) for repeated failures
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 1500, "failure answered fast");
                assertTrue(w.command("USER " + user).startsWith("+OK"));
            }
            Matcher m = Pattern.compile("(<[^>]+>)").matcher(greeting);
            assertTrue(m.find(), greeting);
            long t0 = System.nanoTime();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((m.group(1) + "s3cret pw").getBytes(StandardCharsets.UTF_8)));
            assertTrue(w.command("APOP " + user + " " + digest).startsWith("+OK"));
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 1500, "no auth penalty after failures");
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
        try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
            w.line();
            String challengeLine = w.command("AUTH CRAM-MD5");
            assertTrue(challengeLine.startsWith("+ "), challengeLine);
            byte[] challenge = Base64.getDecoder().decode(challengeLine.substring(2).trim());
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec("s3cret pw".getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            String response = user + " " + HexFormat.of().formatHex(mac.doFinal(challenge));
            String reply = w.command(Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8)));
            assertTrue(reply.startsWith("+OK"), reply);
            assertTrue(w.command("QUIT").startsWith("+OK"));
        }
    }

    @Test
    void lockSessionAnswersSecondSessionInUse() throws Exception {
        try (DovecotServer locked = DovecotServer.start(
                DovecotServer.Options.defaults().user("bob", "pw").pop3LockSession(true))) {
            locked.deliver("bob", "Subject: x\r\n\r\nx\r\n");
            try (Wire first = Wire.plain(locked.host(), locked.pop3Port());
                    Wire second = Wire.plain(locked.host(), locked.pop3Port())) {
                login(first, "bob", "pw");
                second.line();
                assertTrue(second.command("USER bob").startsWith("+OK"));
                // Dovecot waits ~10 s for the lock before giving up
                String reply = second.command("PASS pw");
                assertTrue(reply.startsWith("-ERR [IN-USE]"), reply);
                assertTrue(first.command("STAT").startsWith("+OK 1 "));
                assertTrue(first.command("QUIT").startsWith("+OK"));
            }
        }
    }

    @Test
    void usersAddedInQuickSuccessionCanLogInAtOnce() throws Exception {
        for (int i = 0; i < 4; i++) {
            String user = newUser("pw" + i);
            try (Wire w = Wire.plain(server.host(), server.pop3Port())) {
                login(w, user, "pw" + i);
                assertTrue(w.command("QUIT").startsWith("+OK"));
            }
        }
    }

    @Test
    void concurrentSessionsAllowedByDefault() throws Exception {
        String user = newUser("pw");
        try (Wire first = Wire.plain(server.host(), server.pop3Port());
                Wire second = Wire.plain(server.host(), server.pop3Port())) {
            login(first, user, "pw");
            login(second, user, "pw");
        }
    }

    @Test
    void closeStopsEveryProcessAndDeletesTheDirectory() throws Exception {
        DovecotServer s = DovecotServer.start();
        long pid = s.pid();
        Path conf = s.configFile();
        int port = s.pop3Port();
        ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> tree = new ArrayList<>(master.descendants().toList());
        tree.add(master);
        assertTrue(tree.size() > 1, "dovecot runs child processes");
        s.close();
        s.close(); // idempotent
        for (ProcessHandle h : tree) {
            assertFalse(ServerKit.isRunning(h), "still running: " + h.pid());
        }
        assertFalse(Files.exists(conf.getParent()), "temp dir deleted");
        assertEquals(-1, s.pid());
        try (Socket sock = new Socket()) {
            assertThrows(ConnectException.class, () -> sock.connect(new InetSocketAddress("127.0.0.1", port), 1000));
        }
    }

    // ------------------------------------------------------------------------------------- helpers

    private static void login(Wire w, String user, String password) throws IOException {
        String greeting = w.line();
        assertTrue(greeting.startsWith("+OK"), greeting);
        String u = w.command("USER " + user);
        assertTrue(u.startsWith("+OK"), u);
        String p = w.command("PASS " + password);
        assertTrue(p.startsWith("+OK"), () -> p + "\n" + ServerKit.tail(server.logText(), 15));
    }

    private static Map<String, Integer> uidl(Wire w) throws IOException {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (String line : w.multiline("UIDL")) {
            String[] parts = line.split(" ");
            result.put(parts[1], Integer.parseInt(parts[0]));
        }
        return result;
    }

    /** The logout lines of {@code user}'s sessions, in order. */
    private static List<String> logoutLines(String log, String user) {
        List<String> result = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains("pop3(" + user + ")") && line.contains("Disconnected") && line.contains("retr=")) {
                result.add(line);
            }
        }
        return result;
    }

    /** Minimal raw POP3 wire access for this test. */
    static final class Wire implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Wire(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static Wire plain(String host, int port) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(30_000);
            return new Wire(s);
        }

        void startTls(SSLContext context, String host, int port) throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        }

        String command(String cmd) throws IOException {
            out.write((cmd + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return line();
        }

        List<String> multiline(String cmd) throws IOException {
            String status = command(cmd);
            assertTrue(status.startsWith("+OK"), cmd + ": " + status);
            List<String> lines = new ArrayList<>();
            for (String l = line(); !l.equals("."); l = line()) {
                lines.add(l);
            }
            return lines;
        }

        /** The raw bytes of a multi-line body up to (excluding) the terminating CRLF.CRLF, still stuffed. */
        byte[] rawMultilineBody() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                byte[] line = rawLine();
                if (line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
                    return body.toByteArray();
                }
                body.write(line);
            }
        }

        String line() throws IOException {
            byte[] raw = rawLine();
            String s = new String(raw, StandardCharsets.UTF_8);
            return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s;
        }

        private byte[] rawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                line.write(c);
                if (c == '\n') {
                    return line.toByteArray();
                }
            }
            throw new IOException("connection closed after " + line.size() + " bytes");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
