package dev.pop3raw.examples.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The messages of the demo mailbox, as raw RFC 5322 text (CRLF line ends), chosen to show what a POP3 consumer
 * must get right: a multipart message with a base64 attachment, an RFC 2047 encoded non-ASCII subject, lines that
 * start with a dot (which POP3 dot-stuffs on the wire), a folded header, and a message with two PDF attachments (one
 * with an RFC 2231 encoded name) for the save-every-PDF example.
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

    /** The PDF attachments of the statements message, by the file name the sender gave them. */
    public static final String PDF_STATEMENT = "statement-2024-05.pdf";
    public static final String PDF_RECEIPT = "Quittung Mai – Köln.pdf";
    public static final List<String> PDFS = List.of(PDF_STATEMENT, PDF_RECEIPT);

    private DemoMessages() {
    }

    /** The raw messages, in delivery order. */
    public static List<String> all() {
        return List.of(welcome(), invoice(), greetings(), dotLines(), foldedSubject(), statements());
    }

    /** The content of the PDF attachment {@code name} of the statements message. */
    public static byte[] pdf(String name) {
        return onePagePdf(name.equals(PDF_STATEMENT)
                ? "Statement May 2024: 3 invoices, 1,020.00 EUR"
                : "Receipt May 2024, Cologne office: 42.00 EUR");
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

    /**
     * Two PDF attachments beside a text and an HTML body and an inline logo, as a mail client sends them: multipart/mixed
     * holding a multipart/alternative. The second PDF's name is not ASCII, so it is written RFC 2231 encoded.
     */
    private static String statements() {
        Base64.Encoder base64 = Base64.getMimeEncoder(76, new byte[]{'\r', '\n'});
        return "From: Accounts <accounts@pop3raw.example>\r\n"
                + "To: you@pop3raw.example\r\n"
                + "Subject: Statement and receipt for May (2 PDFs)\r\n"
                + "Date: Mon, 3 Jun 2024 09:25:00 +0200\r\n"
                + "Message-ID: <statements.2024-05@pop3raw.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"=_mixed\"\r\n"
                + "\r\n"
                + "--=_mixed\r\n"
                + "Content-Type: multipart/alternative; boundary=\"=_alternative\"\r\n"
                + "\r\n"
                + "--=_alternative\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n"
                + "\r\n"
                + "The statement and the receipt for May are attached as PDF files.\r\n"
                + "--=_alternative\r\n"
                + "Content-Type: text/html; charset=US-ASCII\r\n"
                + "\r\n"
                + "<p>The statement and the receipt for May are attached as PDF files.</p>\r\n"
                + "--=_alternative--\r\n"
                + "\r\n"
                + "--=_mixed\r\n"
                + "Content-Type: application/pdf; name=\"" + PDF_STATEMENT + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + PDF_STATEMENT + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + base64.encodeToString(pdf(PDF_STATEMENT)) + "\r\n"
                + "--=_mixed\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment;\r\n"
                + " filename*=UTF-8''Quittung%20Mai%20%E2%80%93%20K%C3%B6ln.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + base64.encodeToString(pdf(PDF_RECEIPT)) + "\r\n"
                + "--=_mixed\r\n"
                + "Content-Type: image/gif; name=\"logo.gif\"\r\n"
                + "Content-Disposition: inline; filename=\"logo.gif\"\r\n"
                + "Content-ID: <logo@pop3raw.example>\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==\r\n"
                + "--=_mixed--\r\n";
    }

    /** A valid one-page PDF showing {@code line} (objects, cross-reference table and trailer, offsets counted). */
    private static byte[] onePagePdf(String line) {
        String stream = "BT /F1 14 Tf 72 720 Td (" + line + ") Tj ET";
        List<String> objects = List.of("<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        StringBuilder xref = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (int i = 0; i < objects.size(); i++) {
            xref.append(String.format("%010d 00000 n \n", pdf.length()));
            pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int start = pdf.length();
        pdf.append(xref).append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\n")
                .append("startxref\n").append(start).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
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
