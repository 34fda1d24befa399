package dev.pop3raw.examples.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The messages of the demo mailbox, as raw RFC 5322 text (CRLF line ends), chosen to show what a POP3 consumer
 * must get right: a multipart message with a base64 attachment, an RFC 2047 encoded non-ASCII subject, lines that
 * start with a dot (which POP3 dot-stuffs on the wire), and a folded header.
 */
public final class DemoMessages {

    /** A subject with characters outside ASCII: the header carries it RFC 2047 encoded. */
    public static final String UMLAUT_SUBJECT = "Grüße aus Köln ☕";

    /** The body lines that start with a dot; they must arrive exactly like this. */
    public static final List<String> DOT_LINES = List.of(".gitignore", "..", ".", "...and a line of dots ...");

    /** The attachment of the invoice message. */
    public static final String ATTACHMENT_NAME = "invoice-2024-031.csv";
    public static final String ATTACHMENT_TEXT = "item;quantity;price\r\nPOP3 consulting;3;420.00\r\n"
            + "Pipelining audit;1;180.00\r\n";

    private DemoMessages() {
    }

    /** The raw messages, in delivery order. */
    public static List<String> all() {
        return List.of(welcome(), invoice(), greetings(), dotLines(), foldedSubject());
    }

    private static String welcome() {
        return "From: Demo Mailbox <demo@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: Welcome to pop3raw\r\n"
                + "Date: Mon, 3 Jun 2024 09:00:00 +0200\r\n"
                + "Message-ID: <welcome.1@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "\r\n"
                + "Hello,\r\n"
                + "\r\n"
                + "this message was delivered to an in-process POP3 server. The example route\r\n"
                + "polled it, wrote it unchanged to <mailbox>/<uidl>.eml and deleted it from the server.\r\n";
    }

    private static String invoice() {
        String attachment = Base64.getMimeEncoder(76, new byte[]{'\r', '\n'})
                .encodeToString(ATTACHMENT_TEXT.getBytes(StandardCharsets.US_ASCII));
        return "From: Billing <billing@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: Invoice 2024-031 (CSV attached)\r\n"
                + "Date: Mon, 3 Jun 2024 09:05:00 +0200\r\n"
                + "Message-ID: <invoice.2024-031@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"=_pop3raw_demo_boundary\"\r\n"
                + "\r\n"
                + "This is a multi-part message in MIME format.\r\n"
                + "\r\n"
                + "--=_pop3raw_demo_boundary\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n"
                + "Please find the invoice attached.\r\n"
                + "\r\n"
                + "--=_pop3raw_demo_boundary\r\n"
                + "Content-Type: text/csv; name=\"" + ATTACHMENT_NAME + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"" + ATTACHMENT_NAME + "\"\r\n"
                + "\r\n"
                + attachment + "\r\n"
                + "--=_pop3raw_demo_boundary--\r\n";
    }

    private static String greetings() {
        return "From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4g4piV?=\r\n"
                + "Date: Mon, 3 Jun 2024 09:10:00 +0200\r\n"
                + "Message-ID: <greetings.koeln@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"
                + "\r\n"
                + "Viele Gr=C3=BC=C3=9Fe vom Rhein, und einen Kaffee =E2=98=95 auf mich.\r\n";
    }

    private static String dotLines() {
        return "From: Ops <ops@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: Lines that start with a dot\r\n"
                + "Date: Mon, 3 Jun 2024 09:15:00 +0200\r\n"
                + "Message-ID: <dots@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "\r\n"
                + "POP3 ends a message with a line holding a single dot, so the server doubles\r\n"
                + "the leading dot of every line below and the client removes it again:\r\n"
                + String.join("\r\n", DOT_LINES) + "\r\n"
                + "The message ends after this line.\r\n";
    }

    private static String foldedSubject() {
        return "From: Release Bot <release@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: Weekly report: 12 messages polled, 12 written, 12 deleted, 0 failed,\r\n"
                + " 0 skipped as oversize\r\n"
                + "Date: Mon, 3 Jun 2024 09:20:00 +0200\r\n"
                + "Message-ID: <report.week-23@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "\r\n"
                + "The Subject header of this message is folded over two lines; the\r\n"
                + "CamelPop3RawSubject header holds it unfolded.\r\n";
    }
}
