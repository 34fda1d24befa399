package dev.pop3raw.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzz targets for what the client makes of server replies: (c) CAPA and the listing commands, driven through
 * a real {@link Pop3Client} over loopback against a fake server that sends the fuzzed bytes and then closes
 * its side, and (e) {@link ResponseCode#parse}. Seeds: {@code src/test/resources/dev/pop3raw/client/
 * ReplyParsingFuzzTestInputs/<method>/}.
 */
class ReplyParsingFuzzTest {

    private static ServerSocket listener;
    private static ExecutorService serverSide;

    @BeforeAll
    static void listen() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        serverSide = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-fake-pop3");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() throws IOException {
        serverSide.shutdownNow();
        listener.close();
    }

    /**
     * Accepts one connection and answers like a POP3 server whose replies are the fuzzed bytes: the greeting at once,
     * then, for each command line the client sends, the next reply cut from {@code replies}: one line, or for a
     * multi-line command (CAPA, LIST and UIDL without argument) answered {@code +OK}, every line up to a lone
     * {@code .} line. When the bytes run out it half-closes. Returns true once the client has closed its socket.
     * (Sending everything at once would only test the client's check for replies nobody asked for: it refuses
     * them before its first command, and the listing parsers would never run.)
     */
    private static Future<Boolean> serve(byte[] greeting, byte[] replies) {
        return serverSide.submit(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(greeting);
                out.flush();
                InputStream in = s.getInputStream();
                int next = 0;
                boolean open = true;
                StringBuilder command = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    if (b != '\n') {
                        command.append((char) b);
                        continue;
                    }
                    String line = command.toString().strip().toUpperCase(Locale.ROOT);
                    command.setLength(0);
                    if (!open) {
                        continue;
                    }
                    int end = replyEnd(replies, next, line.equals("CAPA") || line.equals("LIST") || line.equals("UIDL"));
                    out.write(replies, next, end - next);
                    out.flush();
                    next = end;
                    if (next >= replies.length) {
                        s.shutdownOutput();
                        open = false;
                    }
                }
                return true; // the client closed its socket
            }
        });
    }

    /** The end (exclusive) of the reply starting at {@code from}: its status line, or up to a lone dot line. */
    static int replyEnd(byte[] b, int from, boolean multiLine) {
        int end = lineEnd(b, from);
        if (!multiLine || !(end - from >= 3 && b[from] == '+' && b[from + 1] == 'O' && b[from + 2] == 'K')) {
            return end;
        }
        while (end < b.length) {
            int start = end;
            end = lineEnd(b, start);
            int len = end - start;
            if (b[start] == '.' && (len == 2 && b[start + 1] == '\n' || len == 3 && b[start + 1] == '\r' && b[start + 2] == '\n')) {
                return end;
            }
        }
        return end;
    }

    private static int lineEnd(byte[] b, int from) {
        int lf = FramingFuzzTest.indexOf(b, (byte) '\n', from);
        return lf < 0 ? b.length : lf + 1;
    }

    /**
     * (c) Any server bytes after the greeting: CAPA, then a fuzzed sequence of STAT, LIST, UIDL, listing(),
     * LIST n, UIDL n. Every failure is a Pop3Exception (an IOException); after a malformed reply or a lost
     * connection the session is closed; and the client always closes its socket. What is returned comes from the
     * server's bytes: STAT's numbers, message numbers (positive), sizes (-1 for none, else non-negative) and unique
     * ids (null, or exactly a blank-delimited token the server sent) each appear in the server's bytes; a listing
     * stays within its entry bound. These hold whether a malformed listing line fails the listing (today) or is
     * returned as an entry without a valid number/uidl/size.
     */
    @FuzzTest(maxDuration = "15s")
    void listingAndCapa(byte[] input) throws Exception {
        // up to the first LF (at most 4 bytes): the operations, each byte modulo 7 (0 STAT, 1 LIST, 2 UIDL,
        // 3 listing(), 4 LIST 1, 5 UIDL 1, 6 CAPA); the rest: the server's bytes after its greeting
        int lf = FramingFuzzTest.indexOf(input, (byte) '\n', 0);
        if (lf < 1 || lf > 4) {
            return;
        }
        int[] ops = new int[lf];
        for (int i = 0; i < lf; i++) {
            ops[i] = ((input[i] & 0xFF) + 1) % 7; // the digits '0'..'6' are the operations 0..6, as the seeds write them
        }
        int maxEntries = 100;
        byte[] rest = java.util.Arrays.copyOfRange(input, lf + 1, input.length);

        // the only connection is to our own fake server (Jazzer's SSRF detector would flag it otherwise)
        int port = listener.getLocalPort();
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((h, p) -> p == port)) {
            session(rest, ops, maxEntries, new String(rest, StandardCharsets.UTF_8));
        }
    }

    private static void session(byte[] replies, int[] ops, int maxEntries, String sent) throws Exception {
        Future<Boolean> server = serve(GREETING, replies);
        Pop3ClientOptions options = Pop3ClientOptions.builder().tlsMode(TlsMode.NONE)
                .readTimeout(Duration.ofSeconds(5)).maxLineLength(512).maxListingEntries(maxEntries).build();
        Pop3Client pop = null;
        try {
            pop = Pop3Client.connect(listener.getInetAddress().getHostAddress(), listener.getLocalPort(), options);
            exercise(pop.capabilities());
            for (int op : ops) {
                if (pop.isClosed()) {
                    break;
                }
                try {
                    run(pop, op, maxEntries, sent);
                } catch (Pop3ErrorResponseException e) {
                    // -ERR: the session stays usable
                    assertNotNull(e.serverText());
                }
            }
        } catch (Pop3Exception e) {
            assertNotNull(e.getMessage());
            if (!(e instanceof Pop3ErrorResponseException) && pop != null) {
                assertTrue(pop.isClosed(), "session left open after " + e);
            }
        } catch (IOException e) {
            // a plain network error (for example a reset) is allowed
        } finally {
            if (pop != null) {
                pop.close();
            }
        }
        assertTrue(server.get(10, TimeUnit.SECONDS), "the client closed its socket");
    }

    private static final byte[] GREETING = "+OK fuzz\r\n".getBytes(StandardCharsets.US_ASCII);

    private static void run(Pop3Client pop, int op, int maxEntries, String sent) throws IOException {
        switch (op) {
            case 0 -> {
                MailboxStatus st = pop.stat();
                assertTrue(st.messageCount() >= 0 && st.sizeOctets() >= 0, "STAT " + st);
                assertSent(sent, Integer.toString(st.messageCount()), "STAT count");
                assertSent(sent, Long.toString(st.sizeOctets()), "STAT size");
            }
            case 1 -> checkListing(pop.list(), maxEntries, false, sent);
            case 2 -> checkListing(pop.uidl(), maxEntries, true, sent);
            case 3 -> checkListing(pop.listing(), maxEntries, false, sent);
            case 4 -> checkEntry(pop.list(1), false, sent);
            case 5 -> checkEntry(pop.uidl(1), true, sent);
            default -> exercise(pop.capa());
        }
    }

    private static void checkListing(List<MessageInfo> listing, int maxEntries, boolean uidl, String sent) {
        assertTrue(listing.size() <= maxEntries, "listing over its bound");
        for (MessageInfo m : listing) {
            checkEntry(m, uidl, sent);
        }
    }

    /** {@code uidlOnly}: an entry of UIDL (no size); else of LIST or listing() (a size, maybe a uidl). */
    private static void checkEntry(MessageInfo m, boolean uidlOnly, String sent) {
        assertTrue(m.number() >= 1, "message number " + m.number());
        assertSent(sent, Integer.toString(m.number()), "message number");
        if (uidlOnly) {
            assertEquals(-1, m.size(), "UIDL entries have no size");
        } else if (m.size() != -1) {
            assertTrue(m.size() >= 0, "size " + m.size());
            assertSent(sent, Long.toString(m.size()), "size");
        }
        if (m.uidl() != null) {
            assertTrue(!m.uidl().isEmpty() && m.uidl().indexOf(' ') < 0, "uidl '" + m.uidl() + "'");
            assertTrue(sentAsToken(sent, m.uidl()), "uidl '" + m.uidl() + "' is not a token the server sent");
        }
        if (m.hasValidUidl()) {
            String u = m.uidl();
            assertTrue(u != null && u.length() >= 1 && u.length() <= 70
                       && u.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7E), "valid uidl '" + u + "'");
        }
    }

    private static void assertSent(String sent, String digits, String what) {
        assertTrue(sent.contains(digits), what + " " + digits + " is not in what the server sent");
    }

    /** Whether {@code token} occurs in {@code sent} delimited by blanks (or line ends, or the ends). */
    static boolean sentAsToken(String sent, String token) {
        for (int i = sent.indexOf(token); i >= 0; i = sent.indexOf(token, i + 1)) {
            int after = i + token.length();
            if ((i == 0 || sent.charAt(i - 1) <= ' ') && (after == sent.length() || sent.charAt(after) <= ' ')) {
                return true;
            }
        }
        return false;
    }

    private static void exercise(Capabilities c) {
        c.saslMechanisms().forEach(m -> assertEquals(m.toUpperCase(Locale.ROOT), m));
        c.loginDelay().ifPresent(d -> assertTrue(!d.isNegative()));
        c.expire().ifPresent(d -> assertTrue(!d.isNegative()));
        c.implementation();
        c.stls();
        c.pipelining();
        c.toString();
        for (String line : c.lines()) {
            String[] words = line.trim().split("\\s+");
            if (!words[0].isEmpty()) {
                assertTrue(c.has(words[0]), "capability " + words[0] + " lost");
            }
        }
    }

    /** (c) The CAPA parser alone, on arbitrary lines, at full speed. */
    @FuzzTest(maxDuration = "5s")
    void capabilities(byte[] input) {
        List<String> lines = List.of(new String(input, StandardCharsets.UTF_8).split("\n", -1));
        exercise(Capabilities.parse(lines));
    }

    /**
     * (e) ResponseCode.parse: null or a code of printable ASCII without spaces that survives a round trip; and an
     * -ERR line with that text always makes an exception, never a crash.
     */
    @FuzzTest(maxDuration = "5s")
    void responseCode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ResponseCode code = ResponseCode.parse(text);
        if (code != null) {
            String v = code.value();
            assertTrue(!v.isEmpty(), "empty code");
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c <= ' ' || c > '~' || c == ']') {
                    fail("code contains " + (int) c + ": " + v);
                }
            }
            assertTrue(text.startsWith("[") && text.toUpperCase(Locale.ROOT).startsWith("[" + v + "]"), v);
            assertEquals(code, ResponseCode.of(v));
            assertTrue(code.isA(code));
            assertEquals("[" + v + "]", code.toString());
        }
        Pop3ErrorResponseException e = new Pop3ErrorResponseException("RETR 1", "-ERR " + text);
        assertEquals(code, e.responseCode());
    }
}
