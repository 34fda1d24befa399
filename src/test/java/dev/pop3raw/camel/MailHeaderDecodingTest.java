package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The decoding rules of mapHeaders (docs/user-guide.adoc, "Mail headers as camel-mail maps them"), one nested class
 * per rule: what a header block's fields become, through the collector the consumer uses ({@link HeaderDecoder#all}).
 * The attachment splitter reads its file names and charsets by the same rules ({@link MimeParameters#parameter}):
 * {@link OneParameter} specifies what differs when one parameter's value is wanted rather than the whole field.
 */
@DisplayName("Mail header decoding (mapHeaders)")
class MailHeaderDecodingTest {

    /** The fields of a header block, collected as the consumer collects them. */
    static List<HeaderDecoder.Field> fields(byte[] message) {
        HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
        collector.feed(message, 0, message.length);
        return collector.all();
    }

    static List<HeaderDecoder.Field> fields(String message) {
        return fields(message.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of the one field of {@code fieldLine} (a header line without its line end). */
    static String valueOf(String fieldLine) {
        List<HeaderDecoder.Field> fields = fields(fieldLine + "\r\n\r\nbody\r\n");
        assertEquals(1, fields.size(), fieldLine);
        return fields.get(0).value();
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    static HeaderDecoder.Field field(String name, String value) {
        return new HeaderDecoder.Field(name, value);
    }

    @Nested
    @DisplayName("RFC 2047 encoded-words")
    class EncodedWords {

        @Test
        void bAndQEncodingsInAnyCase() {
            assertEquals("Grüße", valueOf("Subject: =?UTF-8?B?R3LDvMOfZQ==?="));
            assertEquals("Grüße", valueOf("Subject: =?utf-8?b?R3LDvMOfZQ?="), "lower case, padding dropped");
            assertEquals("Café crème", valueOf("Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?="));
            assertEquals("Café", valueOf("Subject: =?iso-8859-1?q?Caf=e9?="), "lower-case hex digits");
        }

        @Test
        void wordsAmongPlainTextKeepTheTextAndItsSpaces() {
            assertEquals("Re: Café ok", valueOf("Subject: Re: =?ISO-8859-1?Q?Caf=E9?= ok"));
            assertEquals("Jörg <j@example.com>", valueOf("From: =?UTF-8?B?SsO2cmc=?= <j@example.com>"));
        }

        @Test
        void adjacentWordsAreJoinedWithoutTheWhitespaceBetweenThem() {
            assertEquals("ab", valueOf("Subject: =?UTF-8?Q?a?= =?UTF-8?Q?b?="));
            assertEquals("ab", valueOf("Subject: =?UTF-8?Q?a?=\r\n   =?UTF-8?Q?b?="), "also across a fold");
            assertEquals("caféü", valueOf("Subject: =?ISO-8859-1?Q?caf=E9?= =?UTF-8?B?w7w=?="),
                    "also in different charsets");
            assertEquals("a b", valueOf("Subject: =?UTF-8?Q?a?= =?UTF-8?Q?_b?="), "a space inside a word stays");
        }

        @Test
        void aCharacterSplitAcrossTwoWordsOfOneCharsetSurvives() {
            assertEquals("ü", valueOf("Subject: =?UTF-8?Q?=C3?= =?UTF-8?Q?=BC?="));
        }

        @Test
        void anRfc2231LanguageSuffixOnTheCharsetIsIgnored() {
            assertEquals("hello", valueOf("Subject: =?US-ASCII*EN?Q?hello?="));
        }

        @Test
        void decodedLineEndsBecomeSpacesSoAValueNeverCarriesAHeaderLine() {
            assertEquals("a  Bcc: x@evil", valueOf("Subject: =?UTF-8?Q?a=0D=0ABcc:_x@evil?="));
        }
    }

    @Nested
    @DisplayName("Folding")
    class Folding {

        @Test
        void foldedLinesAreJoinedWithoutTheirLineEndsKeepingTheBlanks() {
            assertEquals("a long\t subject", valueOf("Subject: a long\r\n\t subject"));
            assertEquals("bare LF folds too", valueOf("Subject: bare LF\n folds too"));
        }

        @Test
        void everyFieldIsFoundWhateverItsFolding() {
            assertEquals(List.of(field("Subject", "one two"), field("To", "a@example.com, b@example.com"),
                    field("X-Empty", "")),
                    fields("Subject: one\r\n two\r\nTo: a@example.com,\r\n b@example.com\r\nX-Empty:\r\n\r\n"
                            + "Not-A-Header: in the body\r\n"));
        }
    }

    @Nested
    @DisplayName("RFC 2231 parameters (Content-Type, Content-Disposition)")
    class Rfc2231 {

        @Test
        void anExtendedValueIsDecodedInItsCharset() {
            assertEquals("attachment; filename=\"naïve résumé.pdf\"",
                    valueOf("Content-Disposition: attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf"));
            assertEquals("application/x-stuff; title=\"This is ***fun***\"", valueOf(
                    "Content-Type: application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"),
                    "RFC 2231's own example, with a language");
            assertEquals("application/octet-stream; name=\"a+b c%.bin\"",
                    valueOf("Content-Type: application/octet-stream; name*=iso-8859-1''a+b%20c%25.bin"),
                    "a + is a +, not a space as URLDecoder (and Mime4j's own RFC 2231 code) would have it");
        }

        @Test
        void continuationsAreJoinedInOrderOfTheirNumbers() {
            assertEquals("message/external-body; access-type=URL;"
                    + " URL=\"ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
                    valueOf("Content-Type: message/external-body; access-type=URL;\r\n"
                            + " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\";\r\n URL*0=\"ftp://\""));
            assertEquals("application/pdf; name=\"€ report.pdf\"",
                    valueOf("Content-Type: application/pdf;\r\n name*0*=UTF-8''%E2%82%AC;\r\n name*1*=%20report;"
                            + "\r\n name*2=\".pdf\""),
                    "encoded and plain sections mixed");
            assertEquals("attachment; filename=\"ü\"",
                    valueOf("Content-Disposition: attachment; filename*0*=UTF-8''%C3; filename*1*=%BC"),
                    "a character split across two sections");
        }

        @Test
        void theDecodedParameterReplacesThePlainFallbackAndOtherParametersStay() {
            assertEquals("attachment; filename=\"ü.pdf\"; size=120",
                    valueOf("Content-Disposition: attachment; filename=\"fallback.pdf\";"
                            + " filename*=UTF-8''%C3%BC.pdf; size=120"));
        }

        @Test
        void quotesInADecodedValueAreEscapedInTheQuotedString() {
            assertEquals("attachment; filename=\"a\\\"b\\\\c\"",
                    valueOf("Content-Disposition: attachment; filename*=UTF-8''a%22b%5Cc"));
        }

        @Test
        void anEmptyCharsetReadsTheOctetsAsRawHeaderOctets() {
            assertEquals("attachment; filename=\"é\"", valueOf("Content-Disposition: attachment; filename*=''%C3%A9"));
            assertEquals("attachment; filename=\"é\"", valueOf("Content-Disposition: attachment; filename*=''%E9"));
        }

        @Test
        void aParameterThatCannotBeDecodedIsLeftAsWritten() {
            for (String asWritten : List.of(
                    "attachment; filename*0=a; filename*2=c", // section 1 missing
                    "attachment; filename*=x-no-such-charset''abc",
                    "attachment; filename*=UTF-8''bad%G1escape",
                    "attachment; filename*=UTF-8''cut%C",
                    "attachment; filename*=no-apostrophes",
                    "attachment; filename*=UTF-8''a; filename*0*=UTF-8''b")) { // two forms of one parameter
                assertEquals(asWritten, valueOf("Content-Disposition: " + asWritten));
            }
            assertEquals("attachment; filename=\"ok\"; name*1=no-section-0",
                    valueOf("Content-Disposition: attachment; filename*=UTF-8''ok; name*1=no-section-0"),
                    "one bad parameter affects only itself");
        }

        @Test
        void onlyTheMimeFieldsWithParametersAreRead() {
            assertEquals("x; filename*=UTF-8''%C3%BC", valueOf("X-Not-Mime: x; filename*=UTF-8''%C3%BC"));
        }

        @Test
        void encodedWordsInAQuotedParameterAreDecodedAsInAnyField() {
            // not allowed by RFC 2047, written by many mailers all the same; mail readers decode it
            assertEquals("attachment; filename=\"ü.pdf\"",
                    valueOf("Content-Disposition: attachment; filename=\"=?UTF-8?B?w7w=?=.pdf\""));
        }
    }

    @Nested
    @DisplayName("One parameter's value (the attachment splitter's file names and charsets)")
    class OneParameter {

        /** The value of parameter {@code name} of the raw field {@code field}, as the splitter asks for it. */
        private String parameter(Object field, String name) {
            return MimeParameters.parameter(bytes(field), name);
        }

        @Test
        void theDecodedValueIsTheValueTheRewrittenFieldHolds() {
            String field = "Content-Disposition: attachment;\r\n filename*1*=%20M%C3%A4rz;\r\n"
                    + " filename*0*=utf-8'de'%E2%82%AC%20Rechnung;\r\n filename*2=\" 2024.pdf\"; filename=fallback.pdf";
            assertEquals("€ Rechnung März 2024.pdf", parameter(field, "filename"));
            assertEquals("attachment; filename=\"€ Rechnung März 2024.pdf\"", valueOf(field));
        }

        @Test
        void aPlainValueIsUnquotedThenDecodedWithTheLabelsOfRealMail() {
            assertEquals("“q” a\"b.txt",
                    parameter("Content-Type: text/plain; name=\"=?iso-8859-1?Q?=93q=94?= a\\\"b.txt\"", "name"),
                    "iso-8859-1 read as windows-1252, the quoted pair unquoted");
            assertEquals("x.pdf", parameter("Content-Disposition: attachment; FileName=x.pdf", "filename"),
                    "names in any case");
        }

        @Test
        void rawOctetsAreUtf8ElseWindows1252() {
            assertEquals("Größe.pdf", parameter(bytes("Content-Disposition: attachment; filename=\"",
                    "Größe.pdf".getBytes(StandardCharsets.UTF_8), "\""), "filename"));
            assertEquals("Größe €.pdf", parameter(bytes("Content-Disposition: attachment; filename=\"Gr",
                    new byte[]{(byte) 0xF6, (byte) 0xDF}, "e ", new byte[]{(byte) 0x80}, ".pdf\""), "filename"));
        }

        @Test
        void aParameterThatCannotBeDecodedGivesThePlainOneElseItsValueAsWritten() {
            assertEquals("plain.pdf", parameter("Content-Disposition: attachment; filename*=x-unknown''abc;"
                    + " filename=plain.pdf", "filename"));
            assertEquals("x-unknown''abc",
                    parameter("Content-Disposition: attachment; filename*=x-unknown''abc", "filename"));
            assertEquals("UTF-8''100%.pdf",
                    parameter("Content-Disposition: attachment; filename*=UTF-8''100%.pdf", "filename"));
            assertEquals("ac", parameter("Content-Disposition: attachment; filename*0=a; filename*2=c", "filename"),
                    "the sections there are, in the order of their numbers");
        }

        @Test
        void aParameterTheFieldDoesNotHaveIsNull() {
            assertNull(parameter("Content-Disposition: attachment; size=3", "filename"));
            assertNull(parameter("Content-Disposition: attachment; filename", "filename"), "no value");
            assertNull(parameter("Content-Disposition: attachment; filenames=x", "filename"));
            assertNull(parameter("no colon; filename=x", "filename"), "not a field");
        }
    }

    @Nested
    @DisplayName("Charset labels as real mail uses them")
    class CharsetLabels {

        /** An encoded-word of {@code text} written in {@code writtenIn} and labelled {@code label}. */
        private String word(String label, String text, String writtenIn) {
            byte[] octets = text.getBytes(Charset.forName(writtenIn));
            return "=?" + label + "?B?" + java.util.Base64.getEncoder().encodeToString(octets) + "?=";
        }

        @Test
        void gb2312IsReadAsGb18030() {
            String gbkOnly = "喆"; // in GBK, not in GB2312
            String word = word("gb2312", gbkOnly, "GBK");
            assertNotEquals(gbkOnly, new String(gbkOnly.getBytes(Charset.forName("GBK")), Charset.forName("GB2312")),
                    "Java's GB2312 cannot read it");
            assertEquals(gbkOnly, valueOf("Subject: " + word));
        }

        @Test
        void ksC5601IsReadAsWindows949() {
            String cp949Only = "똠"; // in Windows-949, not in EUC-KR
            assertNotEquals(cp949Only, new String(cp949Only.getBytes(Charset.forName("x-windows-949")),
                    Charset.forName("EUC-KR")), "Java's reading of the label (EUC-KR) cannot read it");
            assertEquals(cp949Only, valueOf("Subject: " + word("ks_c_5601-1987", cp949Only, "x-windows-949")));
        }

        @Test
        void iso88598iIsReadAsIso88598() {
            assertEquals("שלום", valueOf("Subject: " + word("iso-8859-8-i", "שלום", "ISO-8859-8")));
        }

        @Test
        void iso88591IsReadAsWindows1252() {
            assertEquals("“quoted” €", valueOf("Subject: =?iso-8859-1?Q?=93quoted=94_=80?="));
        }

        @Test
        void anUnknownCharsetLeavesTheWordAsWritten() {
            assertEquals("=?x-unknown?Q?abc?= and =?utf-7?Q?abc?=",
                    valueOf("Subject: =?x-unknown?Q?abc?= and =?utf-7?Q?abc?="));
        }
    }

    @Nested
    @DisplayName("Raw 8-bit octets")
    class RawOctets {

        @Test
        void validUtf8IsUtf8() {
            assertEquals(List.of(field("Subject", "Grüße 😀")),
                    fields(bytes("Subject: ", "Grüße 😀".getBytes(StandardCharsets.UTF_8), "\r\n\r\n")));
        }

        @Test
        void otherOctetsAreWindows1252AndNoOctetIsLost() {
            byte[] legacy = bytes("Subject: ", new byte[]{(byte) 0x93, 'q', (byte) 0x94, ' ', (byte) 0x80, ' ',
                    (byte) 0xE9, ' ', (byte) 0x81}, "\r\n\r\n");
            assertEquals(List.of(field("Subject", "“q” € é \u0081")), fields(legacy),
                    "0x81 is unassigned in windows-1252: it keeps its ISO-8859-1 meaning");
        }

        @Test
        void eachFieldIsReadOnItsOwn() {
            byte[] block = bytes("X-Legacy: caf", new byte[]{(byte) 0xE9}, "\r\nSubject: ",
                    "Grüße".getBytes(StandardCharsets.UTF_8), "\r\n\r\n");
            assertEquals(List.of(field("X-Legacy", "café"), field("Subject", "Grüße")), fields(block));
        }
    }

    @Nested
    @DisplayName("Malformed input affects only itself")
    class Malformed {

        @Test
        void malformedWordsAreLeftAsWritten() {
            assertEquals("=?UTF-8?B?***?=", valueOf("Subject: =?UTF-8?B?***?="));
            assertEquals("=?UTF-8?Q?=ZZ?=", valueOf("Subject: =?UTF-8?Q?=ZZ?="));
            assertEquals("=?UTF-8?Q?=C?=", valueOf("Subject: =?UTF-8?Q?=C?="));
            assertEquals("=?UTF-8?X?abc?=", valueOf("Subject: =?UTF-8?X?abc?="));
            assertEquals("=?UTF-8?Q?unterminated", valueOf("Subject: =?UTF-8?Q?unterminated"));
            assertEquals("bad =?UTF-8?B?***?= good ü",
                    valueOf("Subject: bad =?UTF-8?B?***?= good =?UTF-8?B?w7w=?="), "the good word is decoded");
        }

        @Test
        void linesThatAreNotFieldsAreSkippedAndTheFieldsAroundThemKept() {
            byte[] block = bytes(" continuation before any field\r\n",
                    "From sender@example.com Mon Jan  6 10:00:00 2025\r\n", // an mbox separator: a blank in the name
                    "Subject: kept\r\n", "no colon on this line\r\n", ": no name\r\n", "Bad\u0001Name: control\r\n",
                    "Caf", new byte[]{(byte) 0xE9}, ": 8-bit name\r\n", "To : obsolete blank before the colon\r\n",
                    "\r\n");
            assertEquals(List.of(field("Subject", "kept"), field("To", "obsolete blank before the colon")),
                    fields(block));
        }
    }

    @Nested
    @DisplayName("Names, order and repeated fields")
    class Names {

        @Test
        void everyOccurrenceIsListedInOrderUnderItsNameAsWritten() {
            assertEquals(List.of(field("Received", "from a"), field("SUBJECT", "s"), field("received", "from b"),
                    field("List-Id", "<list.example.com>")),
                    fields("Received: from a\r\nSUBJECT: s\r\nreceived: from b\r\nList-Id: <list.example.com>\r\n\r\n"));
        }
    }

    @Nested
    @DisplayName("A header block longer than the bound")
    class Bound {

        @Test
        void theFieldsBeforeTheBoundAreMappedNotTheOneItCutsNorAnyAfter() {
            String filler = "X-Filler: " + "f".repeat(998) + "\r\n"; // 1010 octets
            int fillers = HeaderDecoder.MAX_HEADER_BYTES / filler.length() - 1;
            String block = "Subject: first\r\n" + filler.repeat(fillers) + "X-Cut: " + "c".repeat(2000) + "\r\n"
                    + "X-After: never\r\n\r\nbody";
            List<HeaderDecoder.Field> fields = fields(block);
            assertEquals(1 + fillers, fields.size());
            assertEquals(field("Subject", "first"), fields.get(0));
            assertTrue(fields.stream().allMatch(f -> f.name().equals("Subject") || f.name().equals("X-Filler")),
                    "X-Cut and X-After are left out");
        }

        @Test
        void aBlockThatFillsTheBoundWithoutEndingCountsAsCut() {
            // what the consumer has seen of a long header with streamDownload: the first 64 KiB, the rest not read yet
            String filler = "X-Filler: " + "f".repeat(998) + "\r\n";
            byte[] head = filler.repeat(70).substring(0, HeaderDecoder.MAX_HEADER_BYTES)
                    .getBytes(StandardCharsets.US_ASCII);
            HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
            collector.feed(head, 0, head.length);
            assertFalse(collector.complete());
            assertTrue(collector.cut());
            assertEquals(HeaderDecoder.MAX_HEADER_BYTES / filler.length(), collector.all().size(),
                    "the complete fields only");
        }

        @Test
        void aBlockThatFitsExactlyIsNotCut() {
            // the block is everything before the LF that ends the empty line, so its CR counts
            String last = "X-Last: ";
            String block = last + "y".repeat(HeaderDecoder.MAX_HEADER_BYTES - last.length() - 3) + "\r\n";
            assertEquals(HeaderDecoder.MAX_HEADER_BYTES, block.length() + "\r".length());
            HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
            byte[] message = (block + "\r\nbody").getBytes(StandardCharsets.US_ASCII);
            collector.feed(message, 0, message.length);
            assertFalse(collector.cut());
            assertEquals(1, collector.all().size());
        }
    }
}
