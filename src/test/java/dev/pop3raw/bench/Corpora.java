package dev.pop3raw.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import dev.pop3raw.testing.DovecotServer;

/**
 * Deterministic (seeded) benchmark corpora, written straight into a user's Maildir through the test kit.
 * Every message has CRLF line ends, so the octets Dovecot sends (before dot-stuffing) are exactly the octets written.
 */
final class Corpora {

    private static final String[] WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
            + " incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris"
            + " nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum")
            .split(" ");

    private Corpora() {
    }

    /**
     * {@code bench.scale} (default 1) scales every corpus down (or up) for smoke runs: message counts and the size of
     * the large messages, at least one message each. The seeds stay, so a scale always yields the same corpus.
     */
    private static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1"));

    /**
     * What was delivered: message count, total octets, and the octets a session that retrieves every message sends
     * for the RETRs ({@link Wire}): what the raw ceiling must read, its count checked as every other variant's is.
     */
    record Loaded(String user, int messages, long octets, long retrOctets) {
    }

    static int scaled(int count) {
        return Math.max(1, (int) Math.round(count * SCALE));
    }

    static Loaded load(DovecotServer server, String corpus) throws IOException {
        return switch (corpus) {
            case "small" -> small(server);
            case "mixed" -> mixed(server);
            case "large" -> large(server);
            default -> throw new IllegalArgumentException("unknown corpus " + corpus);
        };
    }

    /** 2,000 plain-text messages of about 2 KB. */
    static Loaded small(DovecotServer server) throws IOException {
        Random random = new Random(1);
        int count = scaled(2000);
        Wire wire = new Wire();
        long octets = 0;
        for (int i = 0; i < count; i++) {
            StringBuilder m = headers(random, i, "small message " + i, null);
            m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
            int target = 1700 + random.nextInt(600);
            while (m.length() < target) {
                m.append(line(random)).append("\r\n");
            }
            byte[] bytes = m.toString().getBytes(StandardCharsets.US_ASCII);
            server.deliver("small", bytes);
            octets += bytes.length;
            wire.message(bytes);
        }
        return new Loaded("small", count, octets, wire.octets);
    }

    /**
     * 300 MIME messages, about 145 MB: a text part (with dot-leading lines) and one base64 attachment of 10 KB to
     * 2 MB (log-uniform); every fifth subject is raw UTF-8 (8-bit header), every seventh an RFC 2047 word.
     */
    static Loaded mixed(DovecotServer server) throws IOException {
        Random random = new Random(2);
        int count = scaled(300);
        Wire wire = new Wire();
        long octets = 0;
        for (int i = 0; i < count; i++) {
            String subject = i % 5 == 0
                    ? "Grüße aus Köln, Nachricht " + i
                    : i % 7 == 0
                            ? "=?UTF-8?B?" + Base64.getEncoder().encodeToString(("Ĉu vi ŝatas " + i)
                                    .getBytes(StandardCharsets.UTF_8)) + "?="
                            : "mixed message " + i;
            StringBuilder h = headers(random, i, subject, i % 5 == 0 ? "Zoë Müller <zoe@example.org>" : null);
            String boundary = "=_bench_" + i;
            h.append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"").append(boundary)
                    .append("\"\r\n\r\n");
            h.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n\r\n");
            for (int l = 0; l < 20 + random.nextInt(40); l++) {
                h.append(l % 9 == 4 ? "." : l % 9 == 7 ? ".." : "").append(line(random)).append("\r\n");
            }
            h.append(".\r\n"); // a lone dot line inside the message: stuffed on the wire
            int attachment = (int) Math.round(10_240 * Math.pow(2_097_152 / 10_240.0, random.nextDouble()));
            h.append("--").append(boundary).append("\r\nContent-Type: application/octet-stream; name=\"a").append(i)
                    .append(".bin\"\r\nContent-Transfer-Encoding: base64\r\n"
                            + "Content-Disposition: attachment; filename=\"a")
                    .append(i).append(".bin\"\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream(attachment * 4 / 3 + 8192);
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            writeBase64(out, random, attachment);
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = out.toByteArray();
            server.deliver("mixed", bytes);
            octets += bytes.length;
            wire.message(bytes);
        }
        return new Loaded("mixed", count, octets, wire.octets);
    }

    /** 3 messages of 50 MB (base64 body, a few dot-leading lines). */
    static Loaded large(DovecotServer server) throws IOException {
        Random random = new Random(3);
        int count = scaled(3);
        long size = Math.max(64 * 1024, Math.round(50L * 1024 * 1024 * Math.min(1, SCALE)));
        Wire wire = new Wire();
        long octets = 0;
        for (int i = 0; i < count; i++) {
            Path file = Files.createTempFile("pop3raw-bench-", ".eml");
            octets += writeBig(file, random, i, size, wire);
            server.deliverFile("large", file);
        }
        return new Loaded("large", count, octets, wire.octets);
    }

    /** One message of {@code size} octets, for the 1 GB run. */
    static Loaded one(DovecotServer server, String user, long size) throws IOException {
        Path file = Files.createTempFile("pop3raw-bench-", ".eml");
        Wire wire = new Wire();
        long octets = writeBig(file, new Random(4), 0, size, wire);
        server.deliverFile(user, file);
        return new Loaded(user, 1, octets, wire.octets);
    }

    /** A mailbox of {@code count} tiny messages (the idle poll). */
    static Loaded many(DovecotServer server, String user, int count) throws IOException {
        long octets = 0;
        for (int i = 0; i < count; i++) {
            byte[] bytes = ("From: a@example.org\r\nSubject: n" + i + "\r\n\r\nbody " + i + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            server.deliver(user, bytes);
            octets += bytes.length;
        }
        return new Loaded(user, count, octets, -1); // the idle poll retrieves nothing
    }

    private static long writeBig(Path file, Random random, int i, long size, Wire wire) throws IOException {
        long written;
        try (CountingOut out = new CountingOut(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.write(headers(random, i, "large message " + i, null)
                    .append("MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Transfer-Encoding: base64\r\n\r\n")
                    .toString().getBytes(StandardCharsets.UTF_8));
            byte[] raw = new byte[57 * 1024];
            Base64.Encoder mime = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII));
            long lines = 0;
            while (out.count < size - 8192) {
                random.nextBytes(raw);
                out.write(mime.encode(raw));
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                if (++lines % 97 == 0) {
                    out.write(".a dot-leading line\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            written = out.count;
            wire.message(written, out.dotLines);
        }
        return written;
    }

    private static StringBuilder headers(Random random, int i, String subject, String from) {
        StringBuilder m = new StringBuilder(4096);
        m.append("Return-Path: <sender").append(i % 17).append("@example.org>\r\n");
        m.append("Received: from mx").append(i % 3).append(".example.org by bench.example.org; Mon, 6 Jan 2025 10:")
                .append(10 + i % 50).append(":00 +0000\r\n");
        m.append("From: ").append(from != null ? from : "Sender " + (i % 17) + " <sender" + (i % 17) + "@example.org>")
                .append("\r\n");
        m.append("To: Receiver <bench@example.org>\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Date: Mon, 6 Jan 2025 10:").append(10 + i % 50).append(":00 +0000\r\n");
        m.append("Message-ID: <").append(i).append('.').append(Long.toHexString(random.nextLong()))
                .append("@bench.example.org>\r\n");
        return m;
    }

    private static String line(Random random) {
        StringBuilder l = new StringBuilder(80);
        while (l.length() < 60) {
            l.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return l.toString().trim();
    }

    private static void writeBase64(ByteArrayOutputStream out, Random random, int octets) {
        byte[] raw = new byte[octets];
        random.nextBytes(raw);
        out.writeBytes(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(raw));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The octets Dovecot sends for {@code RETR n} of each message: its status line {@code +OK <size> octets}, the
     * message with a dot added before every line that starts with one (RFC 1939 dot-stuffing), and the terminating
     * {@code .CRLF}. This is Dovecot's wording of the status line; a server that words it otherwise fails every
     * ceiling pass, loudly, rather than passing a wrong count.
     */
    static final class Wire {
        long octets;

        void message(byte[] message) {
            long dots = message.length > 0 && message[0] == '.' ? 1 : 0;
            for (int i = 1; i < message.length; i++) {
                if (message[i] == '.' && message[i - 1] == '\n') {
                    dots++;
                }
            }
            message(message.length, dots);
        }

        void message(long size, long dotLines) {
            octets += ("+OK " + size + " octets\r\n").length() + size + dotLines + 3;
        }
    }

    /** Counts the octets written and the lines that start with a dot (the large messages are never in memory). */
    private static final class CountingOut extends OutputStream {
        private final OutputStream out;
        long count;
        long dotLines;
        private int previous = '\n';

        CountingOut(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            if (b == '.' && previous == '\n') {
                dotLines++;
            }
            previous = b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '.' && previous == '\n') {
                    dotLines++;
                }
                previous = b[i];
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
