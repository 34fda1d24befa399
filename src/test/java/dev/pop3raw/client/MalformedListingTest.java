package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * Issue 14: one malformed listing line affects only the message it describes. Each case is a three-message maildrop
 * (unique-ids a, b, c; sizes 10, 20, 30) whose line for message 2 is broken in one way; messages 1 and 3 must come
 * out exactly as listed, the session must stay in step (a NOOP after the listing), and message 2 must carry what was
 * wrong. Framing errors still end the session.
 */
class MalformedListingTest {

    private static final Duration DONE = Duration.ofSeconds(5);
    private static final String CAPA_PLAIN = "+OK\r\nUSER\r\nUIDL\r\n.\r\n";
    private static final String CAPA_PIPELINING = "+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n";
    private static final MessageInfo FIRST = new MessageInfo(1, 10, "a");
    private static final MessageInfo THIRD = new MessageInfo(3, 30, "c");

    private static Pop3ClientOptions.Builder plain() {
        return Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(3));
    }

    /** listing() against UIDL and LIST replies of these lines (lock-step), checking that the session stays in step. */
    private static Listing listing(List<String> uidlLines, List<String> listLines) throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("UIDL").send(multiLine(uidlLines))
                .expect("LIST").send(multiLine(listLines))
                .expect("NOOP").send("+OK\r\n"))) {
            try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                Listing listing = pop.listing();
                pop.noop();
                assertFalse(pop.isClosed(), "a malformed line inside a well-framed reply does not end the session");
                server.awaitScriptDone(DONE);
                return listing;
            }
        }
    }

    /** The usual maildrop with the UIDL line of message 2 replaced. */
    private static Listing withUidlLine(String line) throws Exception {
        return listing(List.of("1 a", line, "3 c"), List.of("1 10", "2 20", "3 30"));
    }

    /** The usual maildrop with the LIST line of message 2 replaced. */
    private static Listing withListLine(String line) throws Exception {
        return listing(List.of("1 a", "2 b", "3 c"), List.of("1 10", line, "3 30"));
    }

    private static String multiLine(List<String> lines) {
        StringBuilder b = new StringBuilder("+OK\r\n");
        for (String line : lines) {
            b.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        return b.append(".\r\n").toString();
    }

    private static void assertOthersIntact(Listing listing) {
        assertEquals(3, listing.size(), listing.toString());
        assertEquals(FIRST, listing.get(0));
        assertEquals(THIRD, listing.get(2));
        assertEquals(2, listing.get(1).number());
    }

    private static void assertProblem(MessageInfo m, String expected) {
        assertTrue(m.hasProblem(), m.toString());
        assertTrue(m.problem().contains(expected), "problem of " + m + " should contain: " + expected);
    }

    @Nested
    class AnInvalidUniqueIdMakesOnlyItsEntryInvalid {

        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', value = {
                "empty, nothing after the number | 2          | ''     | the unique-id is empty",
                "empty, blanks after the number  | '2   '     | ''     | the unique-id is empty",
                "with a space                    | 2 b x      | b x    | contains a space",
                "with a control octet            | 2 b\\x01x  | b\u0001x | contains the octet 0x01",
                "with DEL                        | 2 b\\x7Fx  | b\u007Fx | contains the octet 0x7F",
                "with a non-ASCII character      | 2 b\u00e9  | b\u00e9 | contains the character U+00E9",
        })
        void theEntryKeepsItsSizeAndWhatWasSentAndSaysWhy(String form, String line, String uidl, String why)
                throws Exception {
            Listing listing = withUidlLine(line.replace("\\x01", "\u0001").replace("\\x7F", "\u007F"));
            assertOthersIntact(listing);
            MessageInfo second = listing.get(1);
            assertEquals(20, second.size(), form);
            assertEquals(uidl, second.uidl(), form);
            assertFalse(second.hasValidUidl(), form);
            assertProblem(second, why);
            assertTrue(second.problem().startsWith("UIDL: "), second.problem());
            assertTrue(listing.skippedLines().isEmpty());
            assertFalse(listing.isWellFormed());
        }

        @Test
        void seventyOneCharactersAreTooManyAndSeventyAreFine() throws Exception {
            String seventy = "u".repeat(70);
            MessageInfo tooLong = withUidlLine("2 " + seventy + "v").get(1);
            assertFalse(tooLong.hasValidUidl());
            assertProblem(tooLong, "71 characters, more than the 70 RFC 1939 allows");

            Listing fine = withUidlLine("2 " + seventy);
            assertEquals(new MessageInfo(2, 20, seventy), fine.get(1));
            assertTrue(fine.get(1).hasValidUidl());
            assertTrue(fine.isWellFormed());
        }

        @Test
        void anOctetThatIsNotUtf8IsNotASilentlyDifferentId() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("UIDL").send("+OK\r\n1 a\r\n2 b").sendBytes(new byte[]{(byte) 0xFF})
                    .send("\r\n3 c\r\n.\r\n")
                    .expect("LIST").send("+OK\r\n1 10\r\n2 20\r\n3 30\r\n.\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    Listing listing = pop.listing();
                    assertOthersIntact(listing);
                    assertFalse(listing.get(1).hasValidUidl());
                    assertProblem(listing.get(1), "U+FFFD");
                }
            }
        }

        @Test
        void aMissingUidlLineLeavesTheUniqueIdUnknown() throws Exception {
            Listing listing = listing(List.of("1 a", "3 c"), List.of("1 10", "2 20", "3 30"));
            assertOthersIntact(listing);
            assertEquals(new MessageInfo(2, 20, null, "UIDL: no line for this message"), listing.get(1));
        }

        @Test
        void aServerWithoutUidlIsNotAProblem() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("UIDL").send("-ERR unknown command\r\n")
                    .expect("LIST").send("+OK\r\n1 10\r\n.\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    Listing listing = pop.listing();
                    assertEquals(List.of(new MessageInfo(1, 10, null)), listing);
                    assertTrue(listing.isWellFormed());
                }
            }
        }
    }

    @Nested
    class AnUnusableSizeLeavesOnlyThatSizeUnknown {

        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', value = {
                "not a number         | 2 abc                   | the size \"abc\" is not a non-negative decimal number",
                "negative             | 2 -5                    | the size \"-5\" is not a non-negative decimal number",
                "with a sign          | 2 +5                    | the size \"+5\" is not a non-negative decimal number",
                "in exponent notation | 2 1e3                   | the size \"1e3\" is not a non-negative decimal number",
                "beyond a long        | 2 99999999999999999999  | the size \"99999999999999999999\" is out of range",
                "missing              | 2                       | no size",
        })
        void theEntryKeepsItsUniqueIdAndSaysWhy(String form, String line, String why) throws Exception {
            Listing listing = withListLine(line);
            assertOthersIntact(listing);
            MessageInfo second = listing.get(1);
            assertEquals(-1, second.size(), form);
            assertEquals("b", second.uidl(), form);
            assertTrue(second.hasValidUidl(), "a message with a good unique-id can still be retrieved");
            assertEquals("LIST: " + why, second.problem());
        }

        @Test
        void fieldsAfterTheSizeAreAllowedAndTheLargestLongIsASize() throws Exception {
            Listing extra = withListLine("2 20 more fields here");
            assertEquals(new MessageInfo(2, 20, "b"), extra.get(1));
            Listing largest = withListLine("2 9223372036854775807");
            assertEquals(new MessageInfo(2, Long.MAX_VALUE, "b"), largest.get(1));
            assertTrue(largest.isWellFormed());
        }
    }

    @Nested
    class ALineWithoutAUsableMessageNumberIsSkippedAndReported {

        @ParameterizedTest
        @ValueSource(strings = {"x b", "0 b", "-2 b", "+2 b", "2147483648 b", "two b", ""})
        void inUidlTheMessageIsLeftWithoutAUniqueId(String line) throws Exception {
            Listing listing = withUidlLine(line);
            assertOthersIntact(listing);
            assertEquals(new MessageInfo(2, 20, null, "UIDL: no line for this message"), listing.get(1));
            assertEquals(1, listing.skippedLines().size(), listing.skippedLines().toString());
            String reported = listing.skippedLines().get(0);
            assertTrue(reported.startsWith("UIDL line \"" + line + "\" does not start with a message number"),
                    reported);
        }

        @Test
        void inListTheMessageKeepsItsUniqueIdWithItsSizeUnknown() throws Exception {
            Listing listing = withListLine("x 20");
            assertOthersIntact(listing);
            assertEquals(new MessageInfo(2, -1, "b", "LIST: no line for this message"), listing.get(1));
            assertEquals(List.of("LIST line \"x 20\" does not start with a message number (1 to 2147483647)"),
                    listing.skippedLines());
        }

        @Test
        void controlCharactersOfASkippedLineAreEscapedInTheReport() throws Exception {
            Listing listing = withUidlLine("\u001b[31mx b");
            assertTrue(listing.skippedLines().get(0).startsWith("UIDL line \"\\x1B[31mx b\""),
                    listing.skippedLines().toString());
        }
    }

    @Nested
    class AMessageNumberListedTwice {

        @Test
        void withDifferentUniqueIdsHasNoneOfThem() throws Exception {
            Listing listing = listing(List.of("1 a", "2 b", "2 z", "3 c"), List.of("1 10", "2 20", "3 30"));
            assertOthersIntact(listing);
            assertEquals(new MessageInfo(2, 20, null, "UIDL: listed twice, with different unique-ids"), listing.get(1));
            assertFalse(listing.get(1).hasValidUidl());
        }

        @Test
        void withDifferentSizesHasNoSize() throws Exception {
            Listing listing = listing(List.of("1 a", "2 b", "3 c"), List.of("1 10", "2 20", "3 30", "2 99"));
            assertOthersIntact(listing);
            assertEquals(new MessageInfo(2, -1, "b", "LIST: listed twice, with different sizes"), listing.get(1));
        }

        @Test
        void theSameWayTwiceIsOneEntryAndTheRepetitionIsReported() throws Exception {
            Listing listing = listing(List.of("1 a", "2 b", "2 b", "3 c"), List.of("1 10", "2 20", "3 30"));
            assertEquals(List.of(FIRST, new MessageInfo(2, 20, "b"), THIRD), listing);
            assertEquals(List.of("UIDL lists message 2 twice, the same way; the repetition is ignored"),
                    listing.skippedLines());
        }
    }

    @Nested
    class UidlAndListAreJoinedByNumberNeverByPosition {

        private static final int N = 20;

        private static String uid(int n) {
            return "uid-" + n;
        }

        /** Every entry's unique-id and size are its own or unknown; every message is there once. */
        private static void assertNothingMisattributed(Listing listing) {
            List<Integer> numbers = new ArrayList<>();
            for (MessageInfo m : listing) {
                numbers.add(m.number());
                assertTrue(m.uidl() == null || m.uidl().equals(uid(m.number())), "misattributed: " + m);
                assertTrue(m.size() == -1 || m.size() == 100 + m.number(), "misattributed: " + m);
            }
            Collections.sort(numbers);
            List<Integer> all = new ArrayList<>();
            for (int n = 1; n <= N; n++) {
                all.add(n);
            }
            assertEquals(all, numbers);
        }

        private static List<String> uidlLines(boolean reversed) {
            List<String> lines = new ArrayList<>();
            for (int n = 1; n <= N; n++) {
                if (n == 7) {
                    continue; // missing
                }
                lines.add(n == 12 ? "x " + uid(n) : n + " " + uid(n));
            }
            if (reversed) {
                Collections.reverse(lines);
            }
            return lines;
        }

        private static List<String> listLines() {
            List<String> lines = new ArrayList<>();
            for (int n = 1; n <= N; n++) {
                if (n != 3) { // missing
                    lines.add(n == 15 ? "y " + (100 + n) : n + " " + (100 + n));
                }
            }
            return lines;
        }

        @Test
        void withLinesMissingOrUnreadableInBothListings() throws Exception {
            Listing listing = listing(uidlLines(false), listLines());
            assertNothingMisattributed(listing);
            assertNull(listing.get(6).uidl(), "message 7 has no UIDL line");
            assertNull(listing.get(11).uidl(), "message 12's UIDL line has no number");
            assertEquals(uid(3), listing.get(2).uidl(), "message 3 has no LIST line but its own unique-id");
            assertEquals(uid(15), listing.get(14).uidl());
            assertEquals(2, listing.skippedLines().size());
        }

        @Test
        void whenTheListingsAreInDifferentOrders() throws Exception {
            assertNothingMisattributed(listing(uidlLines(true), listLines()));
        }

        @Test
        void whenBothAreSentPipelined() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PIPELINING)
                    .expect("UIDL", "LIST").send(multiLine(uidlLines(false))).send(multiLine(listLines()))
                    .expect("NOOP").send("+OK\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    assertNothingMisattributed(pop.listing());
                    pop.noop();
                }
                server.awaitScriptDone(DONE);
            }
        }
    }

    @Nested
    class ASingleLineAnswerThatDoesNotParseFailsOnlyThatCall {

        /** Runs {@code command} against {@code reply}, expects it to fail naming {@code expected}, then a NOOP. */
        private void failsThenNoop(String command, String reply, String expected) throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect(command).send(reply + "\r\n")
                    .expect("NOOP").send("+OK\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class,
                            () -> run(pop, command));
                    assertTrue(e.getMessage().contains(expected), e.getMessage());
                    assertFalse(pop.isClosed(), "the session is still in step");
                    pop.noop();
                }
                server.awaitScriptDone(DONE);
            }
        }

        private Object run(Pop3Client pop, String command) throws Exception {
            return switch (command) {
                case "STAT" -> pop.stat();
                case "LIST 2" -> pop.list(2);
                default -> pop.uidl(2);
            };
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "LIST 2 | +OK 2 abc   | reply to LIST 2 is malformed (LIST: the size \"abc\" is not a non-negative",
                "LIST 2 | +OK 2       | reply to LIST 2 is malformed (LIST: no size)",
                "LIST 2 | +OK 3 30    | reply to LIST 2 is about message 3",
                "LIST 2 | +OK x 30    | reply to LIST 2 does not start with a message number",
                "UIDL 2 | +OK 2       | reply to UIDL 2 is malformed (UIDL: the unique-id is empty)",
                "UIDL 2 | +OK 2 b x   | reply to UIDL 2 is malformed (UIDL: the unique-id \"b x\" contains a space",
                "UIDL 2 | +OK 3 c     | reply to UIDL 2 is about message 3",
                "STAT   | +OK -1 0    | STAT reply is not 'count size'",
                "STAT   | +OK 1 -100  | STAT reply is not 'count size'",
                "STAT   | +OK 1 99999999999999999999 | STAT reply is not 'count size'",
                "STAT   | +OK many    | STAT reply is not 'count size'",
                "STAT   | +OK         | STAT reply is not 'count size'",
        })
        void withAnErrorNamingTheProblem(String command, String reply, String expected) throws Exception {
            failsThenNoop(command, reply, expected);
        }

        @Test
        void wellFormedAnswersParse() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("LIST 2").send("+OK 2 20 extra\r\n")
                    .expect("UIDL 2").send("+OK 2 b\r\n")
                    .expect("STAT").send("+OK 3 60 extra\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    assertEquals(new MessageInfo(2, 20, null), pop.list(2));
                    assertEquals(new MessageInfo(2, -1, "b"), pop.uidl(2));
                    assertEquals(new MailboxStatus(3, 60), pop.stat());
                }
                server.awaitScriptDone(DONE);
            }
        }
    }

    @Nested
    class AReplyThatCannotBeFramedStillEndsTheSession {

        @Test
        void moreLinesThanMaxListingEntriesEvenMalformedOnes() throws Exception {
            List<String> junk = Collections.nCopies(6, "junk line");
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("LIST").send(multiLine(junk)))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(),
                        plain().maxListingEntries(5).build())) {
                    Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class, pop::list);
                    assertTrue(e.getMessage().contains("more than 5 lines"), e.getMessage());
                    assertTrue(pop.isClosed());
                }
            }
        }

        @Test
        void asManyMalformedLinesAsMaxListingEntriesAreJustMalformedLines() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("LIST").send(multiLine(Collections.nCopies(5, "junk line")))
                    .expect("NOOP").send("+OK\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(),
                        plain().maxListingEntries(5).build())) {
                    Listing listing = pop.list();
                    assertTrue(listing.isEmpty());
                    assertEquals(5, listing.skippedLines().size());
                    pop.noop();
                }
                server.awaitScriptDone(DONE);
            }
        }

        @Test
        void aLineOverTheLengthBound() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("UIDL").send("+OK\r\n1 " + "u".repeat(600) + "\r\n.\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(),
                        plain().maxLineLength(512).build())) {
                    assertThrows(Pop3MalformedResponseException.class, pop::uidl);
                    assertTrue(pop.isClosed());
                }
            }
        }

        @Test
        void aListingWithoutItsTerminator() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send(CAPA_PLAIN)
                    .expect("UIDL").send("+OK\r\n1 a\r\n2 \r\n")
                    .hangUp())) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), plain().build())) {
                    assertThrows(Pop3ConnectionClosedException.class, pop::uidl);
                    assertTrue(pop.isClosed());
                }
            }
        }
    }

    @Nested
    class ABadCapabilityLineAffectsOnlyThatCapability {

        private final Capabilities caps = Capabilities.parse(List.of(
                "USER", "EXPIRE abc", "LOGIN-DELAY x", "SASL PLAIN \u0001junk", "PIPELINING", "UIDL", "TOP",
                "IMPLEMENTATION some \u00e9 server", "RESP-CODES"));

        @Test
        void anUnreadableNumberIsAsIfNotAnnounced() {
            assertTrue(caps.has("EXPIRE") && caps.has("LOGIN-DELAY"));
            assertTrue(caps.expire().isEmpty());
            assertTrue(caps.loginDelay().isEmpty());
        }

        @Test
        void theOtherCapabilitiesAreRead() {
            assertTrue(caps.user() && caps.pipelining() && caps.uidl() && caps.top() && caps.respCodes());
            assertEquals(List.of("PLAIN", "\u0001JUNK"), caps.saslMechanisms());
            assertEquals("some \u00e9 server", caps.implementation().orElseThrow());
        }

        @Test
        void aLoginDelayTooLargeForAClockIsAsIfNotAnnounced() {
            assertTrue(Capabilities.parse(List.of("LOGIN-DELAY 9223372036854775807")).loginDelay().isEmpty());
            assertEquals(Duration.ofSeconds(Long.MAX_VALUE / 1000),
                    Capabilities.parse(List.of("LOGIN-DELAY " + Long.MAX_VALUE / 1000)).loginDelay().orElseThrow());
            assertEquals(Duration.ofSeconds(300),
                    Capabilities.parse(List.of("LOGIN-DELAY 300")).loginDelay().orElseThrow());
        }

        @Test
        void aSessionWithJunkCapabilitiesLogsInAndLists() throws Exception {
            try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                    .greeting()
                    .expect("CAPA").send("+OK\r\nUSER\r\nEXPIRE abc\r\nLOGIN-DELAY x\r\nSASL\r\nUIDL\r\n\r\n.\r\n")
                    .expect("USER bob").send("+OK\r\n")
                    .expect("PASS pw").send("+OK\r\n")
                    .expect("CAPA")
                    .send("+OK\r\nUSER\r\nEXPIRE abc\r\nLOGIN-DELAY 99999999999999999999\r\nUIDL\r\n.\r\n")
                    .expect("UIDL").send("+OK\r\n1 a\r\n.\r\n")
                    .expect("LIST").send("+OK\r\n1 10\r\n.\r\n"))) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(),
                        plain().allowCleartextAuth(true).build())) {
                    pop.login("bob", "pw");
                    assertEquals(List.of(FIRST), pop.listing());
                }
                server.awaitScriptDone(DONE);
            }
        }
    }
}
