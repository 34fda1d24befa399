package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.attachment.Attachment;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The plain recipe without Mime4j, for small messages: camel-mail's mimeMultipart data format with headersInline=true
 * turns the raw message into a body and Camel attachments. Its limits, shown here: it reads the whole message into the
 * heap (jakarta.mail's MimeBodyPart), and only the top-level parts become attachments, so the inline image and PDF of
 * Apple Mail's multipart/related, one level down, are not among them.
 */
class MimeMultipartRecipeTest extends CamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // mimeMultipart(multipartSubType, multipartWithoutAttachment, headersInline, binaryContent)
                from("direct:mail").unmarshal().mimeMultipart("mixed", false, true, false);
            }
        };
    }

    /** The attachments of the unmarshalled message: name to SHA-256 of the content. */
    private Map<String, String> attachments(String message) throws Exception {
        Exchange out = template.request("direct:mail", e -> e.getIn().setBody(MimeCorpus.message(message)));
        Map<String, String> digests = new TreeMap<>();
        AttachmentMessage attachments = out.getMessage(AttachmentMessage.class);
        for (Map.Entry<String, Attachment> a : attachments.getAttachmentObjects().entrySet()) {
            try (InputStream in = a.getValue().getDataHandler().getInputStream()) {
                digests.put(a.getKey(), MimeCorpus.sha256(in.readAllBytes()));
            }
        }
        return digests;
    }

    private static String sha256Of(String message, String fileName) {
        return MimeCorpus.parts(message).stream().map(r -> r.split("\t", -1)).filter(f -> f[4].equals(fileName))
                .findFirst().orElseThrow()[7];
    }

    @Test
    void topLevelAttachmentsArriveWhole() throws Exception {
        assertEquals(Map.of("Invoice 2024-117.pdf", sha256Of("outlook", "Invoice 2024-117.pdf"), "winmail.dat",
                sha256Of("outlook", "winmail.dat")), attachments("outlook"));
    }

    @Test
    void partsNestedInAnotherMultipartAreNotAttachments() throws Exception {
        Exchange out = template.request("direct:mail", e -> e.getIn().setBody(MimeCorpus.message("apple")));
        Map<String, Attachment> apple = out.getMessage(AttachmentMessage.class).getAttachmentObjects();
        assertEquals(1, apple.size(), apple.keySet().toString());
        Map.Entry<String, Attachment> related = apple.entrySet().iterator().next();
        assertTrue(related.getKey().endsWith("@camel.apache.org"), "a generated name, not a file name: " + related);
        String content = new String(related.getValue().getDataHandler().getInputStream().readAllBytes(),
                StandardCharsets.ISO_8859_1);
        assertTrue(content.contains("filename=Quote.pdf") && content.contains("filename=floor-plan.png"),
                "the multipart/related, still encoded, holds the PDF and the image: " + content.substring(0, 300));
    }
}
