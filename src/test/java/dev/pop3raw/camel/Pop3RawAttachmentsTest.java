package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The splitter on the corpus of real-world shapes (Outlook with winmail.dat, Gmail, Apple Mail's inline images, RFC 2231
 * and RFC 2047 file names, a forwarded message, broken parts): every leaf part is found where its mailer put it, with
 * the headers its header says, and every octet of it is the octet that was encoded (SHA-256 against the generator's).
 */
class Pop3RawAttachmentsTest {

    static List<String> messages() {
        return MimeCorpus.MESSAGES;
    }

    private CamelContext context;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private Exchange exchange(String message) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(MimeCorpus.message(message));
        exchange.getMessage().setHeader(Pop3RawConstants.MAILBOX, "alice@127.0.0.1:110");
        return exchange;
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyLeafPartIsDecodedOctetForOctet(String message) {
        assertEquals(MimeCorpus.parts(message), MimeCorpus.rows(new Pop3RawAttachments().parts(exchange(message))));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void attachmentsAreTheNamedOrDeclaredPartsAndForwardedMessages(String message) {
        assertEquals(MimeCorpus.attachmentRows(MimeCorpus.parts(message)),
                MimeCorpus.rows(new Pop3RawAttachments().attachments(exchange(message))));
    }

    @Test
    void eachPartKeepsTheHeadersOfTheMessagesExchange() {
        Iterator<Message> parts = new Pop3RawAttachments().attachments(exchange("outlook"));
        Message pdf = parts.next();
        assertEquals("alice@127.0.0.1:110", pdf.getHeader(Pop3RawConstants.MAILBOX));
        assertEquals("Invoice 2024-117.pdf", pdf.getHeader(Pop3RawAttachmentConstants.FILE_NAME));
    }

    // --- forwarded messages

    @Test
    void aForwardedMessageIsOneEmlAttachmentByDefault() {
        List<String> rows = MimeCorpus.rows(new Pop3RawAttachments().parts(exchange("forwarded")));
        assertEquals(MimeCorpus.parts("forwarded"), rows);
        assertTrue(rows.get(1).startsWith("2\tmessage/rfc822\t"), rows.get(1));
    }

    @Test
    void walkDeliversThePartsInsideTheForwardedMessageInsteadOfIt() {
        Pop3RawAttachments walk = new Pop3RawAttachments();
        walk.setForwardedMessages(ForwardedMessages.WALK);
        List<String> expected = new ArrayList<>(MimeCorpus.parts("forwarded").subList(0, 1));
        expected.addAll(MimeCorpus.parts("forwarded-inner"));
        assertEquals(expected, MimeCorpus.rows(walk.parts(exchange("forwarded"))));
    }

    @Test
    void bothDeliversTheForwardedMessageThenItsParts() {
        Pop3RawAttachments both = new Pop3RawAttachments();
        both.setForwardedMessages(ForwardedMessages.BOTH);
        List<String> expected = new ArrayList<>(MimeCorpus.parts("forwarded"));
        expected.addAll(MimeCorpus.parts("forwarded-inner"));
        assertEquals(expected, MimeCorpus.rows(both.parts(exchange("forwarded"))));
        assertEquals(MimeCorpus.attachmentRows(expected), MimeCorpus.rows(both.attachments(exchange("forwarded"))));
    }

    @Test
    void theBodyOfAForwardedSinglePartMessageIsNumberedUnderItAsImapDoes() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
                + "Content-Type: text/plain\r\n\r\nsee below\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: inner\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--o--\r\n");
        Pop3RawAttachments both = new Pop3RawAttachments();
        both.setForwardedMessages(ForwardedMessages.BOTH);
        List<String> paths = new ArrayList<>();
        both.parts(exchange).forEachRemaining(p -> paths.add(p.getHeader(Pop3RawAttachmentConstants.PART) + " "
                + p.getHeader(Pop3RawAttachmentConstants.CONTENT_TYPE)));
        assertEquals(List.of("1 text/plain", "2 message/rfc822", "2.1 text/plain"), paths);
        Pop3RawAttachments walk = new Pop3RawAttachments();
        walk.setForwardedMessages(ForwardedMessages.WALK);
        paths.clear();
        walk.parts(exchange).forEachRemaining(p -> paths.add(p.getHeader(Pop3RawAttachmentConstants.PART) + " "
                + p.getHeader(Pop3RawAttachmentConstants.CONTENT_TYPE)));
        assertEquals(List.of("1 text/plain", "2.1 text/plain"), paths);
    }

    // --- broken parts

    @Test
    void aBrokenPartSaysWhatIsWrongWithItAndTheOthersAreUntouched() {
        List<Message> parts = new ArrayList<>();
        new Pop3RawAttachments().parts(exchange("malformed")).forEachRemaining(parts::add);
        assertEquals(4, parts.size());
        assertNull(parts.get(0).getHeader(Pop3RawAttachmentConstants.PROBLEM));
        String junk = parts.get(1).getHeader(Pop3RawAttachmentConstants.PROBLEM, String.class);
        assertTrue(junk.contains("Unexpected base64 byte"), junk);
        assertNull(parts.get(2).getHeader(Pop3RawAttachmentConstants.PROBLEM));
        String unterminated = parts.get(3).getHeader(Pop3RawAttachmentConstants.PROBLEM, String.class);
        assertTrue(unterminated.toLowerCase().contains("ended prematurely"), unterminated);
    }

    @Test
    void aMessageThatIsNotMimeIsOnePlainTextPart() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("Subject: hi\r\n\r\njust text\r\n");
        assertEquals(List.of("1\ttext/plain\t\t\t\t\t11\t" + MimeCorpus.sha256("just text\r\n".getBytes()) + "\t"),
                MimeCorpus.rows(new Pop3RawAttachments().parts(exchange)));
        assertFalse(new Pop3RawAttachments().attachments(exchange).hasNext());
    }

    /**
     * A binary part of 150 MiB on one line, read from a stream (this JVM has a 128 MiB heap): the parser does not
     * collect lines of content, and the part goes to a spool file as it is read.
     */
    @Test
    void aPartOnOneLineLargerThanTheHeapIsSpooledNotHeld() throws Exception {
        long octets = 150L << 20;
        byte[] head = ("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=one-line.bin\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream message = new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
                new InputStream() {
                    private long left = octets;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        Arrays.fill(b, off, off + n, (byte) 'x');
                        left -= n;
                        return n;
                    }
                }, new ByteArrayInputStream(tail))));
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(message);
        Iterator<Message> parts = new Pop3RawAttachments().attachments(exchange);
        Message part = parts.next();
        assertEquals(octets, part.getHeader(Pop3RawAttachmentConstants.SIZE));
        assertEquals("SpooledMessageBody", part.getBody().getClass().getSimpleName());
        assertFalse(parts.hasNext());
        Path spool = context.getComponent("pop3raw", Pop3RawComponent.class).ownSpoolDirectoryIfCreated();
        assertEquals(1, Pop3RawCamelTestSupport.filesIn(spool));
        // the message's exchange completes: the part's spool file is deleted
        UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
        assertEquals(0, Pop3RawCamelTestSupport.filesIn(spool));
    }

    // --- file names

    @Test
    void theFileNameHeaderIsSafeToWriteUnder() {
        assertEquals("passwd", SafeFileName.of("../../etc/passwd"));
        assertEquals("x.pdf", SafeFileName.of("C:\\Users\\a\\x.pdf"));
        assertEquals("a_b_.pdf", SafeFileName.of("a:b?.pdf"));
        assertEquals("ab.pdf", SafeFileName.of("a\u0000\nb.pdf"));
        assertNull(SafeFileName.of(".."));
        assertNull(SafeFileName.of("dir/"));
        assertEquals("Größen.csv", SafeFileName.of("Größen.csv"));
    }

    /**
     * The names are read from the field's octets by the rules mapHeaders decodes headers with
     * ({@link MimeParameters}; specified in MailHeaderDecodingTest): Mime4j's parsed parameters would have turned
     * the Latin-1 octets into U+FFFD and the {@code iso-8859-1} 0x93 0x94 into control characters.
     */
    @Test
    void fileNamesAreDecodedAsHeadersAreLatin1OctetsAndWindowsLabelsIncluded() {
        byte[] latin1Name = "Gr\u00f6\u00dfe.txt".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
                + "Content-Disposition: attachment; filename=\"").getBytes(StandardCharsets.US_ASCII));
        message.writeBytes(latin1Name);
        message.writeBytes(("\"\r\n\r\none\r\n--b\r\nContent-Type: text/plain;\r\n"
                + " name=\"=?iso-8859-1?Q?=93quoted=94.txt?=\"\r\n\r\ntwo\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(message.toByteArray());
        List<String> names = new ArrayList<>();
        new Pop3RawAttachments().attachments(exchange).forEachRemaining(
                p -> names.add(p.getHeader(Pop3RawAttachmentConstants.FILE_NAME, String.class)));
        assertEquals(List.of("Größe.txt", "\u201cquoted\u201d.txt"), names);
    }

    // --- the text body

    @Test
    void textIsThePlainPartDecodedWithItsCharset() throws Exception {
        assertEquals("Hello,\r\n\r\nplease find invoice 2024-117 attached. Total: 1.234,50 \u20ac\r\n",
                new Pop3RawAttachments().text(exchange("outlook")));
        assertEquals("Hi,\r\n\r\nthe signed contract and a photo of the site. Grüße, Jürgen\r\n",
                new Pop3RawAttachments().text(exchange("gmail")));
    }

    @Test
    void textIsTheHtmlPartWhenThereIsNoPlainOne() throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "<p>Gr=FC=DFe</p>\r\n--b--\r\n");
        assertEquals("<p>Grüße</p>", new Pop3RawAttachments().text(exchange));
    }

    @Test
    void aTextLongerThanMaxTextSizeFailsNamingTheOption() {
        Pop3RawAttachments small = new Pop3RawAttachments();
        small.setMaxTextSize(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.text(exchange("gmail")));
        assertTrue(e.getMessage().contains("maxTextSize"), e.getMessage());
    }
}
