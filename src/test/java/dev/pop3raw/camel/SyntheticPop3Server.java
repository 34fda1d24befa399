package dev.pop3raw.camel;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A POP3 server with one message of any size, generated while it is sent and never held: a header block, then
 * numbered lines of 128 octets (none starts with a dot, so the data is sent as it is). It counts the octets and digests
 * them (SHA-256) on the way, so that a test can compare with what the route read. DELE + QUIT remove the message;
 * sessions are served one at a time.
 */
final class SyntheticPop3Server implements AutoCloseable {

    private static final int LINE = 128;
    private static final int LINES_PER_BLOCK = 512;
    private static final byte[] HEADER = ("Subject: synthetic\r\nMessage-ID: <synthetic@pop3raw.test>\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Thread thread;
    private final long lines;
    /** The message, when it is not the numbered lines; null for those. */
    private final Content content;
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean deleted;
    private volatile long octetsSent;
    private volatile String sha256Sent;

    /** A message of at least {@code octets} octets (whole lines). */
    SyntheticPop3Server(long octets) throws IOException {
        this(Math.max(1, (octets - HEADER.length + LINE - 1) / LINE), null);
    }

    /** A message {@code content} writes while it is sent (none of its lines may start with a dot). */
    SyntheticPop3Server(Content content) throws IOException {
        this(0, content);
    }

    private SyntheticPop3Server(long lines, Content content) throws IOException {
        this.lines = lines;
        this.content = content;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "synthetic-pop3");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The message's size in octets, as LIST says and RETR sends. */
    long size() {
        return content != null ? content.size() : HEADER.length + lines * LINE;
    }

    /** A message generated while it is sent. */
    interface Content {
        /** Its size in octets, known before it is sent (LIST). */
        long size();

        /** Writes it, CRLF line ends, no line starting with a dot. */
        void writeTo(OutputStream out) throws IOException;
    }

    int sessions() {
        return sessions.get();
    }

    boolean deleted() {
        return deleted;
    }

    /** The octets of the last RETR reply's message data sent whole; 0 before. */
    long octetsSent() {
        return octetsSent;
    }

    /** SHA-256 (hex) of the message data last sent whole; null before. */
    String sha256Sent() {
        return sha256Sent;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(120_000);
                sessions.incrementAndGet();
                session(s);
            } catch (IOException e) {
                // next session
            }
        }
    }

    private void session(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        reply(out, "+OK synthetic POP3 ready");
        boolean deleting = false;
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.split(" ")[0].toUpperCase();
            switch (cmd) {
                case "CAPA" -> reply(out, "+OK\r\nUSER\r\nUIDL\r\n.");
                case "USER", "PASS", "NOOP", "RSET" -> reply(out, "+OK");
                case "UIDL" -> reply(out, deleted ? "+OK\r\n." : "+OK\r\n1 synthetic-1\r\n.");
                case "LIST" -> reply(out, deleted ? "+OK\r\n." : "+OK\r\n1 " + size() + "\r\n.");
                case "RETR" -> {
                    if (deleted) {
                        reply(out, "-ERR no such message");
                    } else {
                        out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        sendMessage(out);
                        reply(out, ".");
                    }
                }
                case "DELE" -> {
                    deleting = true;
                    reply(out, "+OK");
                }
                case "QUIT" -> {
                    deleted |= deleting;
                    reply(out, "+OK bye");
                    return;
                }
                default -> reply(out, "-ERR unknown command");
            }
        }
    }

    private void sendMessage(OutputStream out) throws IOException {
        if (content != null) {
            MessageDigest digest = sha256();
            long[] sent = {0};
            content.writeTo(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    digest.update(b, off, len);
                    sent[0] += len;
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }
            });
            octetsSent = sent[0];
            sha256Sent = HexFormat.of().formatHex(digest.digest());
            return;
        }
        MessageDigest digest = sha256();
        out.write(HEADER);
        digest.update(HEADER);
        long sent = HEADER.length;
        byte[] block = new byte[LINES_PER_BLOCK * LINE];
        for (int i = 0; i < LINES_PER_BLOCK; i++) {
            int at = i * LINE;
            block[at + 10] = ' ';
            for (int j = 11; j < LINE - 2; j++) {
                block[at + j] = (byte) ('a' + (j % 26));
            }
            block[at + LINE - 2] = '\r';
            block[at + LINE - 1] = '\n';
        }
        for (long first = 0; first < lines; first += LINES_PER_BLOCK) {
            int n = (int) Math.min(LINES_PER_BLOCK, lines - first);
            for (int i = 0; i < n; i++) {
                long number = first + i;
                for (int d = 9; d >= 0; d--) { // the line number, ten digits: no two lines are alike
                    block[i * LINE + d] = (byte) ('0' + number % 10);
                    number /= 10;
                }
            }
            out.write(block, 0, n * LINE);
            digest.update(block, 0, n * LINE);
            sent += (long) n * LINE;
        }
        octetsSent = sent;
        sha256Sent = HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
