package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.ScriptedMailbox;

/**
 * The splitter behind a {@code pop3raw:} consumer, in Java and YAML routes: every attachment of every message of the
 * mailbox arrives octet for octet with the headers of its message, large parts leave the heap for spool files that
 * are gone once the message's exchange completed, and the messages are deleted only after their parts were routed.
 */
class Pop3RawAttachmentsRouteTest extends Pop3RawCamelTestSupport {

    private ScriptedMailbox mailbox;

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        mailbox = ScriptedMailbox.start();
        for (String name : MimeCorpus.MESSAGES) {
            mailbox.add(name, new String(MimeCorpus.message(name), StandardCharsets.UTF_8));
        }
    }

    @AfterEach
    void stopMailbox() {
        mailbox.close();
    }

    @Test
    void javaRouteSplitsEveryMessageIntoItsAttachmentsAndThenDeletesIt() throws Exception {
        Map<String, List<String>> rows = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(mailbox.port(), "delete=true")).routeId("attachments")
                        .split(method(Pop3RawAttachments.class, "attachments")).streaming()
                        .process(e -> rows.computeIfAbsent(e.getIn().getHeader(Pop3RawConstants.UIDL, String.class),
                                k -> new CopyOnWriteArrayList<>()).add(MimeCorpus.row(e.getIn())));
            }
        });
        await(() -> mailbox.uidls().isEmpty(), "every message deleted after its parts were routed");
        for (String name : MimeCorpus.MESSAGES) {
            assertEquals(MimeCorpus.attachmentRows(MimeCorpus.parts(name)), rows.getOrDefault(name, List.of()), name);
        }
    }

    @Test
    void yamlRouteSplitsWithTheBeanMethodAndGetsTheTextAsAString() throws Exception {
        MockEndpoint pdfs = getMockEndpoint("mock:pdf");
        String yaml = """
                - route:
                    id: pdfs
                    from:
                      uri: "%s"
                      steps:
                        - setHeader:
                            name: text
                            method:
                              beanType: dev.pop3raw.camel.Pop3RawAttachments
                              method: text
                        - split:
                            method:
                              beanType: dev.pop3raw.camel.Pop3RawAttachments
                              method: attachments
                            streaming: true
                            steps:
                              - filter:
                                  simple: "${header.CamelPop3RawAttachmentContentType} == 'application/pdf'"
                                  steps:
                                    - to: mock:pdf
                """.formatted(uri(mailbox.port(), "delete=true"));
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("pdfs.camel.yaml", yaml));
        await(() -> mailbox.uidls().isEmpty(), "every message deleted");
        List<String> names = new ArrayList<>();
        for (Exchange e : pdfs.getReceivedExchanges()) {
            names.add(e.getIn().getHeader(Pop3RawConstants.UIDL) + "/"
                    + e.getIn().getHeader(Pop3RawAttachmentConstants.FILE_NAME));
            assertTrue(e.getIn().getBody(byte[].class).length > 0);
        }
        assertEquals(List.of("outlook/Invoice 2024-117.pdf", "gmail/Vertrag unterschrieben – Müller.pdf",
                "apple/Quote.pdf", "rfc2231/€ Rechnung März 2024 – Übersicht (final).pdf", "malformed/fine.pdf"),
                names);
        assertEquals("Hello,\r\n\r\nplease find invoice 2024-117 attached. Total: 1.234,50 \u20ac\r\n",
                pdfs.getReceivedExchanges().get(0).getIn().getHeader("text"));
    }

    @Test
    void partsAboveTheSpoolThresholdAreFilesDeletedWhenTheMessageCompletes() throws Exception {
        Pop3RawAttachments spooling = new Pop3RawAttachments();
        spooling.setSpoolThreshold(4096);
        context.getRegistry().bind("spooling", spooling);
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<Long> filesWhileRouted = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(mailbox.port(), "delete=true")).routeId("spooling")
                        .split(method("spooling", "attachments")).streaming().process(e -> {
                            Message part = e.getIn();
                            bodies.add(part.getHeader(Pop3RawAttachmentConstants.PART) + " "
                                    + part.getBody().getClass().getSimpleName());
                            filesWhileRouted.add(filesIn(spoolDirectory()));
                            assertEquals(MimeCorpus.row(part).split("\t")[7],
                                    MimeCorpus.sha256(MimeCorpus.octets(part)), "read again");
                        });
            }
        });
        await(() -> mailbox.uidls().isEmpty(), "every message deleted");
        int outlookPdf = bodies.indexOf("2 SpooledMessageBody"); // 23,456 octets: a file
        assertTrue(outlookPdf >= 0, bodies.toString());
        assertTrue(bodies.contains("3 InputStreamCache"), "winmail.dat, 3,001 octets, stays in the heap: " + bodies);
        assertTrue(filesWhileRouted.get(outlookPdf) >= 1, filesWhileRouted.toString());
        await(() -> filesIn(spoolDirectory()) == 0, "the spool files deleted with their messages' exchanges");
    }

    private Path spoolDirectory() {
        Path dir = context.getComponent("pop3raw", Pop3RawComponent.class).ownSpoolDirectoryIfCreated();
        return dir == null ? Path.of("target/no-spool-directory") : dir;
    }

    @Test
    void theSplitterNamesTheProblemOfAMessageItCannotSplit() throws Exception {
        // a header line longer than the parser's bound (64 KiB) ends the split of this message only
        mailbox.add("hostile", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-Long: "
                + "a".repeat(70_000) + "\r\n\r\nbody\r\n--b--\r\n");
        List<String> failures = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true)
                        .process(e -> failures.add(e.getIn().getHeader(Pop3RawConstants.UIDL) + ": "
                                + e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                from(uri(mailbox.port(), "delete=true")).routeId("hostile")
                        .split(method(Pop3RawAttachments.class, "parts")).streaming().to("mock:parts");
            }
        });
        await(() -> mailbox.uidls().isEmpty(), "every message handled");
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith("hostile: pop3raw: the message cannot be split into its parts:"),
                failures.get(0));
        assertTrue(failures.get(0).contains("Maximum line length limit (65536) exceeded"), failures.get(0));
    }

    @Test
    void aBeanOfYourOwnConfiguredInYamlWalksForwardedMessages() throws Exception {
        String yaml = """
                - beans:
                    - name: attachments
                      type: dev.pop3raw.camel.Pop3RawAttachments
                      properties:
                        spoolThreshold: 4096
                        forwardedMessages: WALK
                - route:
                    from:
                      uri: "%s"
                      steps:
                        - split:
                            expression:
                              method:
                                ref: attachments
                                method: attachments
                            streaming: true
                            steps:
                              - to: mock:walked
                """.formatted(uri(mailbox.port(), "delete=true"));
        MockEndpoint walked = getMockEndpoint("mock:walked");
        List<String> forwarded = new CopyOnWriteArrayList<>();
        walked.whenAnyExchangeReceived(e -> { // while the part's spool file exists: until its message completes
            if ("forwarded".equals(e.getIn().getHeader(Pop3RawConstants.UIDL))) {
                forwarded.add(MimeCorpus.row(e.getIn()));
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("walk.camel.yaml", yaml));
        await(() -> mailbox.uidls().isEmpty(), "every message deleted");
        assertEquals(MimeCorpus.attachmentRows(MimeCorpus.parts("forwarded-inner")), forwarded);
        assertEquals(ForwardedMessages.WALK, context.getRegistry().lookupByNameAndType("attachments",
                Pop3RawAttachments.class).getForwardedMessages());
    }

    @Test
    void aPartWhoseRouteFailsKeepsItsMessageOnTheServer() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(mailbox.port(), "delete=true")).routeId("failing-part")
                        .split(method(Pop3RawAttachments.class, "attachments")).streaming()
                        .filter(header(Pop3RawAttachmentConstants.FILE_NAME).isEqualTo("winmail.dat"))
                        .throwException(new IllegalStateException("cannot store winmail.dat"));
            }
        });
        await(() -> mailbox.uidls().equals(List.of("outlook")), "every message but outlook.eml deleted");
        int retrievals = mailbox.retrievals("outlook");
        await(() -> mailbox.retrievals("outlook") > retrievals, "outlook.eml offered again at the next poll");
        assertEquals(List.of("outlook"), mailbox.uidls());
    }
}
