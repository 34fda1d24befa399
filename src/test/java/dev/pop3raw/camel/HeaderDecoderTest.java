package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HeaderDecoderTest {

    @Test
    void decodesBAndQWordsAndJoinsAdjacentWords() {
        assertEquals("Grüße aus Köln", HeaderDecoder.decode("=?UTF-8?B?R3LDvMOfZQ==?= =?utf-8?q?_aus_K=C3=B6ln?="));
        assertEquals("Re: café ok", HeaderDecoder.decode("Re: =?ISO-8859-1?Q?caf=E9?= ok"));
        // a multi-byte character split across two words of the same charset
        assertEquals("ü", HeaderDecoder.decode("=?UTF-8?Q?=C3?= =?UTF-8?Q?=BC?="));
        // RFC 2231 language suffix
        assertEquals("hello", HeaderDecoder.decode("=?US-ASCII*EN?Q?hello?="));
    }

    @Test
    void leavesMalformedOrUnknownWordsAlone() {
        assertEquals("=?x-unknown?Q?abc?=", HeaderDecoder.decode("=?x-unknown?Q?abc?="));
        assertEquals("=?UTF-8?B?***?=", HeaderDecoder.decode("=?UTF-8?B?***?="));
        assertEquals("plain text", HeaderDecoder.decode("plain text"));
    }

    @Test
    void readsOnlyTheHeaderBlockUnfolded() throws Exception {
        String raw = "Subject: first\r\n part\r\nFrom: =?UTF-8?B?SsO2cmc=?= <j@example.com>\r\nX-Other: x\r\n"
                + "Subject: second\r\n\r\nSubject: in the body\r\n";
        Map<String, String> h = HeaderBlocks.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)),
                Set.of("subject", "from", "to"));
        assertEquals("first part", h.get("subject"));
        assertEquals("Jörg <j@example.com>", h.get("from"));
        assertFalse(h.containsKey("to"));
    }

    @Test
    void eachFieldIsDecodedOnItsOwnSoALatin1FieldElsewhereDoesNotSpoilAUtf8Subject() {
        byte[] block = concat("X-Legacy: caf".getBytes(StandardCharsets.US_ASCII), new byte[]{(byte) 0xE9},
                "\r\nSubject: Gr\u00fc\u00dfe\r\n\tfolded with a tab\nFrom : a@example.com\r\n"
                        .getBytes(StandardCharsets.UTF_8));
        Map<String, String> h = HeaderDecoder.parse(block, Set.of("subject", "from", "x-legacy"));
        assertEquals("Gr\u00fc\u00dfe\tfolded with a tab", h.get("subject"));
        assertEquals("caf\u00e9", h.get("x-legacy"));
        assertEquals("a@example.com", h.get("from"), "space before the colon, bare LF line end");
    }

    @Test
    void fieldNamesMatchInAnyCaseAndOnlyInFull() {
        byte[] block = ("Subjects: longer name\r\nSubj: shorter name\r\nMESSAGE-ID: <1@x>\r\n"
                + "sUbJeCt\t: mixed case\r\n").getBytes(StandardCharsets.US_ASCII);
        Map<String, String> h = HeaderDecoder.parse(block, Set.of("subject", "message-id"));
        assertEquals(Map.of("subject", "mixed case", "message-id", "<1@x>"), h);
    }

    /** One-line ASCII values take a shortcut; these are the cases at its edges, with what either way must give. */
    @Test
    void oneLineAsciiValuesAreTrimmedAndKeptAsWritten() {
        String[][] cases = {
                {"Subject:   plain  \r\n", "plain"},
                {"Subject:\ttabbed\t\r\n", "tabbed"},
                {"Subject: a=b ?= c\r\n", "a=b ?= c"},
                {"Subject: not a word =?\r\n", "not a word =?"},
                {"Subject: =?us-ascii?Q?encoded_word?=\r\n", "encoded word"},
                {"Subject:    \r\n", ""},
                {"Subject:\r\n", ""},
                {"Subject: bare LF\n", "bare LF"},
                {"Subject: no line end", "no line end"},
                {"Subject: stray\rCR\r\n", "stray\rCR"}, // a lone CR is not a line end: kept
        };
        for (String[] c : cases) {
            byte[] block = c[0].getBytes(StandardCharsets.US_ASCII);
            assertEquals(c[1], HeaderDecoder.parse(block, Set.of("subject")).get("subject"), c[0]);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void rawEightBitHeadersAreUtf8OrWindows1252() throws Exception {
        byte[] utf8 = "Subject: Grüße\n\nbody".getBytes(StandardCharsets.UTF_8);
        assertEquals("Grüße", HeaderBlocks.read(new ByteArrayInputStream(utf8), Set.of("subject")).get("subject"));
        byte[] latin1 = "Subject: Grüße\n\nbody".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("Grüße", HeaderBlocks.read(new ByteArrayInputStream(latin1), Set.of("subject")).get("subject"));
    }

    @Test
    void headerBlockIsBounded() throws Exception {
        byte[] huge = ("Subject: " + "a".repeat(200_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String subject = HeaderBlocks.read(new ByteArrayInputStream(huge), Set.of("subject")).get("subject");
        assertEquals(HeaderDecoder.MAX_HEADER_BYTES - "Subject: ".length(), subject.length());
    }

    @Test
    void theCollectorTakesExactlyTheBytesTheStreamReaderTakes_alsoWhenReusedAfterALongerBlock() throws Exception {
        java.util.List<String> messages = java.util.List.of(
                "Subject: one\r\nFrom: a@b\r\n\r\nbody\r\n",
                "Subject: bare LF\nTo: x@y\n\nbody\n",
                "Subject: folded\r\n  continued\r\nCc: c@d\r\n\r\n",
                "Subject: no body, no end",
                "\r\nbody only",
                "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nDate: Mon, 6 Jan 2025 10:00:00 +0000\r\n\r\nx",
                "\n\nafter an empty first line",
                "Subject: split terminator\r\n\r",
                "Subject: bare CR\r\r\nTo: z@z\r\n\r\nx",
                "X-Exact: " + "y".repeat(HeaderDecoder.MAX_HEADER_BYTES - 11) + "\r\n\r\n",
                "X-Long: " + "y".repeat(70_000) + "\r\n\r\n");
        Set<String> wanted = Set.of("subject", "from", "to", "cc", "date", "x-long");
        HeaderDecoder.Collector c = new HeaderDecoder.Collector(); // one for all, as the consumer has
        for (String m : messages) {
            byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
            Map<String, String> expected = HeaderBlocks.read(new ByteArrayInputStream(bytes), wanted);
            for (int chunk : new int[]{1, 3, 7, 8192}) {
                c.reset();
                for (int off = 0; off < bytes.length && !c.complete(); off += chunk) {
                    c.feed(bytes, off, Math.min(chunk, bytes.length - off));
                }
                String what = m.substring(0, Math.min(20, m.length())) + " in chunks of " + chunk;
                assertArrayEquals(HeaderBlocks.readHeaderBlock(new ByteArrayInputStream(bytes)),
                        HeaderBlocks.collected(c), what);
                assertEquals(expected, HeaderDecoder.parse(HeaderBlocks.collected(c), wanted), what);
                assertEquals(expected, c.fields(new HeaderDecoder.Fields(wanted)), what);
            }
        }
    }
}
