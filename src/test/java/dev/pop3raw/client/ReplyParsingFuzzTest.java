package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * Fuzz targets for what the client makes of server replies: (c) CAPA and the listing commands, driven through
 * a real {@link Pop3Client} over loopback against a {@link ScriptedPop3Server} that answers each command with the
 * next of the fuzzed replies and then closes its side, and (e) {@link ResponseCode#parse}. Seeds: {@code src/test/resources/dev/pop3raw/client/
 * ReplyParsingFuzzTestInputs/<method>/}.
 */
class ReplyParsingFuzzTest {

    /**
     * A scripted server for one session: it sends the greeting, and then answers each command line of the client with
     * the next reply cut from {@code replies}: one line, or, for CAPA, LIST and UIDL with a {@code +OK} status, the
     * lines up to and including a lone dot. Once {@code replies} is used up it half-closes, and it reads whatever the
     * client sends until it closes. Answering in step matters: bytes sent before the command they answer make the client
     * end the session before it parses anything ("octets nobody asked for"), which would leave the parsers unreached.
     */
    private static ScriptedPop3Server serve(byte[] replies) {
        return ScriptedPop3Server.builder().readTimeout(Duration.ofSeconds(10)).session(script -> {
            script.sendBytes(GREETING);
            if (replies.length == 0) {
                script.halfClose();
                return;
            }
            int[] pos = {0};
            script.converse(command -> {
                String keyword = command.strip().toUpperCase(Locale.ROOT);
                boolean multiLine = keyword.equals("CAPA") || keyword.equals("LIST") || keyword.equals("UIDL");
                int end = replyEnd(replies, pos[0], multiLine);
                ScriptedPop3Server.Reply reply = ScriptedPop3Server.Reply
                        .bytes(java.util.Arrays.copyOfRange(replies, pos[0], end));
                pos[0] = end;
                return pos[0] < replies.length ? reply : reply.thenHalfClose();
            });
        }).start();
    }

    /** Where the reply starting at {@code from} ends (exclusive): after its first line, or after a lone-dot line. */
    private static int replyEnd(byte[] replies, int from, boolean multiLine) {
        int end = lineEnd(replies, from);
        boolean ok = replies.length - from >= 3 && replies[from] == '+' && replies[from + 1] == 'O'
                && replies[from + 2] == 'K';
        if (!multiLine || !ok) {
            return end;
        }
        while (end < replies.length) {
            int start = end;
            end = lineEnd(replies, start);
            int length = end - start - (replies[end - 1] == '\n' ? 1 : 0);
            if (length >= 1 && replies[start] == '.' && (length == 1 || length == 2 && replies[start + 1] == '\r')) {
                return end;
            }
        }
        return end;
    }

    private static int lineEnd(byte[] bytes, int from) {
        int lf = FramingFuzzTest.indexOf(bytes, (byte) '\n', from);
        return lf < 0 ? bytes.length : lf + 1;
    }

    /**
     * (c) Any server bytes after the greeting: CAPA, then a fuzzed sequence of STAT, LIST, UIDL, listing(),
     * LIST n, UIDL n. Every failure is a Pop3Exception (an IOException); a malformed listing line never fails
     * a listing (every entry is well-formed or carries its reason, one entry per message number); only a reply
     * that cannot be framed, or a lost connection, closes the session, and a STAT / LIST n / UIDL n answer that
     * does not parse fails only that call; the client always closes its socket.
     */
    @FuzzTest(maxDuration = "15s")
    void listingAndCapa(byte[] input) throws Exception {
        // up to the first LF (at most 4 bytes): the operations, each byte plus one modulo 7, so that the digits '0'
        // to '6' the seeds are written with mean 0 STAT, 1 LIST, 2 UIDL, 3 listing(), 4 LIST 1, 5 UIDL 1, 6 CAPA;
        // the rest: the server's replies after its greeting, in order
        int lf = FramingFuzzTest.indexOf(input, (byte) '\n', 0);
        if (lf < 1 || lf > 4) {
            return;
        }
        int[] ops = new int[lf];
        for (int i = 0; i < lf; i++) {
            ops[i] = ((input[i] & 0xFF) + 1) % 7;
        }
        int maxEntries = 100;
        byte[] replies = java.util.Arrays.copyOfRange(input, lf + 1, input.length);

        // the only connection is to our own fake server (Jazzer's SSRF detector would flag it otherwise)
        try (ScriptedPop3Server server = serve(replies);
                SilentCloseable allowed = BugDetectors.allowNetworkConnections((h, p) -> p == server.port())) {
            session(server, replies, ops, maxEntries);
        }
    }

    private static void session(ScriptedPop3Server server, byte[] replies, int[] ops, int maxEntries)
            throws Exception {
        String sent = new String(replies, StandardCharsets.ISO_8859_1);
        Pop3ClientOptions options = Pop3ClientOptions.builder().tlsMode(TlsMode.NONE)
                .readTimeout(Duration.ofSeconds(5)).maxLineLength(512).maxListingEntries(maxEntries).build();
        Pop3Client pop = null;
        try {
            pop = Pop3Client.connect(server.host(), server.port(), options);
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
                } catch (Pop3MalformedResponseException e) {
                    // only a framing error ends the session; with the session still open, it was a single-line
                    // answer (STAT, LIST n, UIDL n) whose content does not parse: a malformed listing line never fails
                    boolean listing = op == 1 || op == 2 || op == 3;
                    if (listing || pop.isClosed()) {
                        assertTrue(FRAMING.matcher(e.getMessage()).find(),
                                "op " + op + " failed, not on framing: " + e);
                        assertTrue(pop.isClosed(), "session left open after " + e);
                    }
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
        assertTrue(server.awaitClientClosed(Duration.ofSeconds(10)), "the client closed its socket");
    }

    /** The failures that mean a reply could not be framed, and nothing else (not a malformed line in it). */
    private static final java.util.regex.Pattern FRAMING = java.util.regex.Pattern.compile(
            "is neither \\+OK nor -ERR|octets nobody asked for|has more than \\d+ lines|server line longer than");

    private static final byte[] GREETING = "+OK fuzz\r\n".getBytes(StandardCharsets.US_ASCII);

    private static void run(Pop3Client pop, int op, int maxEntries, String sent) throws IOException {
        switch (op) {
            case 0 -> {
                // what STAT returns is what the server said: two non-negative numbers, both in its bytes
                MailboxStatus st = pop.stat();
                assertTrue(st.messageCount() >= 0 && st.sizeOctets() >= 0, "STAT " + st);
                assertTrue(sent.contains(Integer.toString(st.messageCount())), "STAT count not sent: " + st);
                assertTrue(sent.contains(Long.toString(st.sizeOctets())), "STAT size not sent: " + st);
            }
            case 1 -> checkListing(pop.list(), maxEntries, op);
            case 2 -> checkListing(pop.uidl(), maxEntries, op);
            case 3 -> checkListing(pop.listing(), 2 * maxEntries, op);
            case 4 -> checkSingle(pop.list(1), false);
            case 5 -> checkSingle(pop.uidl(1), true);
            default -> exercise(pop.capa());
        }
    }

    /**
     * Whatever the lines said: at most maxEntries entries, one per message number, each either well-formed or
     * carrying the reason it is not; the unattributable lines are reported, not lost.
     */
    private static void checkListing(Listing listing, int maxEntries, int op) {
        assertTrue(listing.size() + listing.skippedLines().size() <= maxEntries, "listing over its bound");
        java.util.Set<Integer> numbers = new java.util.HashSet<>();
        for (MessageInfo m : listing) {
            assertTrue(numbers.add(m.number()), "message " + m.number() + " listed twice in " + listing);
            checkEntry(m);
            if (op == 1) {
                assertNull(m.uidl(), "LIST gives no unique-ids");
                assertTrue(m.size() >= 0 || m.hasProblem(), "size unknown without a reason: " + m);
            } else if (op == 2) {
                assertEquals(-1, m.size(), "UIDL gives no sizes");
                assertTrue(m.hasValidUidl() || m.hasProblem(), "invalid unique-id without a reason: " + m);
            }
        }
        listing.skippedLines().forEach(line -> assertNotNull(line));
        assertEquals(listing.skippedLines().isEmpty() && listing.stream().noneMatch(MessageInfo::hasProblem),
                listing.isWellFormed());
    }

    /** An entry of any listing: a real message number; a size or -1; a unique-id that is valid, absent, or explained. */
    private static void checkEntry(MessageInfo m) {
        assertTrue(m.number() >= 1, "message number " + m.number());
        assertTrue(m.size() >= -1, "size " + m.size());
        if (m.uidl() != null && !m.hasValidUidl()) {
            assertNotNull(m.problem(), "invalid unique-id without a reason: " + m);
        }
    }

    /** A single-line LIST 1 / UIDL 1 answer is returned only when it is well-formed and about message 1. */
    private static void checkSingle(MessageInfo m, boolean uidl) {
        assertEquals(1, m.number());
        assertFalse(m.hasProblem(), m.toString());
        if (uidl) {
            assertTrue(m.hasValidUidl(), m.toString());
        } else {
            assertTrue(m.size() >= 0, m.toString());
        }
    }

    private static void exercise(Capabilities c) {
        c.saslMechanisms().forEach(m -> assertEquals(m.toUpperCase(Locale.ROOT), m));
        c.loginDelay().ifPresent(d -> assertTrue(!d.isNegative() && d.toMillis() >= 0)); // callers add it to clocks
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
