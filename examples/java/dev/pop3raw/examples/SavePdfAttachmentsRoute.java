package dev.pop3raw.examples;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;

import dev.pop3raw.camel.Pop3RawAttachmentConstants;
import dev.pop3raw.camel.Pop3RawAttachments;

/**
 * Save every PDF attachment, Java DSL: each message is split into its attachments as it streams by ({@link
 * Pop3RawAttachments}, which needs org.apache.james:apache-mime4j-core on the class path), and each PDF is written to
 * {@code <mailbox>/<uidl>/<part>-<file name>}. Once every part was handled the message is deleted from the server.
 * <p>
 * The {@code {{...}}} placeholders come from examples/yaml/application.properties (or -D / environment overrides). Run
 * it against the demo mailbox: {@code mvn -q -B test-compile exec:java@demo -Ddemo.mode=pdfs -Ddemo.dsl=java}.
 */
public class SavePdfAttachmentsRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("pop3raw:{{pop3.host}}:{{pop3.port}}?tls={{pop3.tls}}"
                + "&username={{pop3.user}}&password=RAW({{pop3.password}})"
                + "&delete=true"
                + "&delay={{pop3.delay}}&initialDelay=0")
                .routeId("save-pdf-attachments-java")
                .split(method(Pop3RawAttachments.class, "attachments")).streaming()
                .filter(PredicateBuilder.or(
                        header(Pop3RawAttachmentConstants.CONTENT_TYPE).isEqualTo("application/pdf"),
                        header(Pop3RawAttachmentConstants.FILE_NAME).regex("(?i).+\\.pdf")))
                // <mailbox>/<uidl>/<part>-<file name>; a PDF without a name is written as <part>-attachment.pdf
                .to("file:{{mail.output}}?fileName=${header.CamelPop3RawMailbox}/${header.CamelPop3RawUidl}/"
                        + "${header.CamelPop3RawAttachmentPart}-${iif(${header.CamelPop3RawAttachmentFileName} == null,"
                        + "attachment.pdf,${header.CamelPop3RawAttachmentFileName})}")
                .log(LoggingLevel.INFO, "pop3raw.example", "${header.CamelPop3RawUidl} part"
                        + " ${header.CamelPop3RawAttachmentPart}: ${header.CamelPop3RawAttachmentFileName}"
                        + " (${header.CamelPop3RawAttachmentSize} octets) saved");
    }
}
