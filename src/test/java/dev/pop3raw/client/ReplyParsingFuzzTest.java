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

    /** Accepts one connection, sends {@code wire}, half-closes, and reads whatever the client sends until it closes. */
    private static Future<Boolean> serve(byte[] wire) {
        return serverSide.submit(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(wire);
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // drain the client's commands
                }
                return true; // the client closed its socket
            }
        });
    }

    /**
     * (c) Any server bytes after the greeting: CAPA, then a fuzzed sequence of STAT, LIST, UIDL, listing(),
     * LIST n, UIDL n. Every failure is a Pop3Exception (an IOException); after a malformed reply or a lost
     * connection the session is closed; parsed entries are sane (numbers positive, sizes not negative); and
     * the client always closes its socket.
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
            ops[i] = (input[i] & 0xFF) % 7;
        }
        int maxEntries = 100;
        byte[] rest = java.util.Arrays.copyOfRange(input, lf + 1, input.length);
        byte[] wire = new byte[GREETING.length + rest.length];
        System.arraycopy(GREETING, 0, wire, 0, GREETING.length);
        System.arraycopy(rest, 0, wire, GREETING.length, rest.length);

        // the only connection is to our own fake server (Jazzer's SSRF detector would flag it otherwise)
        int port = listener.getLocalPort();
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((h, p) -> p == port)) {
            session(wire, ops, maxEntries);
        }
    }

    private static void session(byte[] wire, int[] ops, int maxEntries) throws Exception {
        Future<Boolean> server = serve(wire);
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
                    run(pop, op, maxEntries);
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

    private static void run(Pop3Client pop, int op, int maxEntries) throws IOException {
        switch (op) {
            case 0 -> {
                MailboxStatus st = pop.stat();
                assertTrue(st.messageCount() >= 0 || st.messageCount() < 0); // any int: documented as the server's
            }
            case 1 -> checkListing(pop.list(), maxEntries, false);
            case 2 -> checkListing(pop.uidl(), maxEntries, true);
            case 3 -> checkListing(pop.listing(), maxEntries, false);
            case 4 -> checkEntry(pop.list(1), false);
            case 5 -> checkEntry(pop.uidl(1), true);
            default -> exercise(pop.capa());
        }
    }

    private static void checkListing(List<MessageInfo> listing, int maxEntries, boolean uidl) {
        assertTrue(listing.size() <= maxEntries, "listing over its bound");
        for (MessageInfo m : listing) {
            checkEntry(m, uidl);
        }
    }

    private static void checkEntry(MessageInfo m, boolean uidl) {
        assertTrue(m.number() >= 1, "message number " + m.number());
        if (uidl) {
            assertEquals(-1, m.size());
            assertNotNull(m.uidl());
            assertTrue(!m.uidl().isEmpty() && m.uidl().indexOf(' ') < 0, "uidl '" + m.uidl() + "'");
            m.hasValidUidl();
        } else {
            assertTrue(m.size() >= 0, "size " + m.size());
        }
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
