package dev.pop3raw.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.camel.Pop3RawEndpoint;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.examples.demo.Demo;
import dev.pop3raw.examples.demo.DemoMailbox;
import dev.pop3raw.examples.demo.DemoMessages;
import dev.pop3raw.examples.demo.ExampleRunner;
import dev.pop3raw.examples.demo.ExampleRunner.Dsl;
import dev.pop3raw.examples.demo.ExampleRunner.Mode;
import dev.pop3raw.oauth2.OAuth2AccessTokenProvider;

/**
 * Runs the examples in examples/yaml and examples/java with camel-main against the demo mailbox, with only the
 * server properties overridden, so that the examples the README and the docs point to keep working.
 */
class ExamplesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Map<String, String> properties(DemoMailbox mailbox, Path output) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pop3.host", mailbox.host());
        p.put("pop3.port", String.valueOf(mailbox.port()));
        p.put("pop3.tls", "none");
        p.put("pop3.user", DemoMailbox.USER);
        p.put("pop3.password", DemoMailbox.PASSWORD);
        p.put("pop3.delay", "200");
        p.put("mail.output", output.toString());
        p.put("pop3.seen-file", tmp.resolve("seen.txt").toString());
        return p;
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void deleteModeWritesEveryMessageUnchangedAndDrainsTheMailbox(Dsl dsl) throws Exception {
        Path output = tmp.resolve("mail");
        int expected = DemoMessages.all().size();
        try (DemoMailbox mailbox = DemoMailbox.start();
                ExampleRunner run = ExampleRunner.start(dsl, Mode.DELETE, properties(mailbox, output))) {
            Pop3RawEndpoint endpoint = run.endpoint();
            assertTrue(endpoint.getConfiguration().isDelete());
            assertTrue(ExampleRunner.await(() -> endpoint.getMessagesDeleted() >= expected, TIMEOUT),
                    "deleted " + endpoint.getMessagesDeleted() + ", last error: " + endpoint.getLastError());
            assertEquals(0, mailbox.messageCount());
            List<Path> files = run.writtenFiles();
            assertEquals(expected, files.size(), files.toString());
            Path mailboxFolder = output.resolve(DemoMailbox.USER + "@127.0.0.1:" + mailbox.port());
            for (Path file : files) {
                assertEquals(mailboxFolder, file.getParent(), "one folder per mailbox: " + file);
            }
            String all = concat(files);
            // dot-stuffing removed: the lines arrive as written
            assertTrue(all.contains("\r\n" + String.join("\r\n", DemoMessages.DOT_LINES) + "\r\n"), all);
            assertTrue(all.contains("filename=\"" + DemoMessages.ATTACHMENT_NAME + "\""), all);
            assertTrue(all.contains("=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4g4piV?="), "raw subject kept encoded: " + all);
        }
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void idempotentModeKeepsTheMailAndDoesNotConsumeAgainAfterARestart(Dsl dsl) throws Exception {
        int expected = DemoMessages.all().size();
        try (DemoMailbox mailbox = DemoMailbox.start()) {
            Path first = tmp.resolve("first");
            try (ExampleRunner run = ExampleRunner.start(dsl, Mode.IDEMPOTENT, properties(mailbox, first))) {
                Pop3RawEndpoint endpoint = run.endpoint();
                assertTrue(ExampleRunner.await(() -> endpoint.getMessagesConsumed() >= expected, TIMEOUT),
                        "consumed " + endpoint.getMessagesConsumed() + ", last error: " + endpoint.getLastError());
                assertEquals(expected, run.writtenFiles().size());
            }
            assertEquals(expected, mailbox.messageCount(), "idempotent mode deletes nothing");
            List<String> keys = Files.readAllLines(tmp.resolve("seen.txt"));
            assertEquals(expected, keys.size(), keys.toString());
            assertTrue(keys.get(0).startsWith(DemoMailbox.USER + "@127.0.0.1:" + mailbox.port() + "/"),
                    keys.toString());

            // a restart with the same repository file: the next polls find nothing new
            Path second = tmp.resolve("second");
            try (ExampleRunner run = ExampleRunner.start(dsl, Mode.IDEMPOTENT, properties(mailbox, second))) {
                Pop3RawEndpoint endpoint = run.endpoint();
                assertTrue(ExampleRunner.await(() -> endpoint.getPolls() >= 3, TIMEOUT));
                assertEquals(0, endpoint.getMessagesConsumed());
                assertEquals(List.of(), run.writtenFiles());
                assertEquals("", endpoint.getLastError());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void pdfExampleSavesEveryPdfAttachmentOctetForOctetAndDrainsTheMailbox(Dsl dsl) throws Exception {
        Path output = tmp.resolve("pdfs");
        int messages = DemoMessages.all().size();
        try (DemoMailbox mailbox = DemoMailbox.start();
                ExampleRunner run = ExampleRunner.start(dsl, Mode.PDFS, properties(mailbox, output))) {
            Pop3RawEndpoint endpoint = run.endpoint();
            assertTrue(ExampleRunner.await(() -> endpoint.getMessagesDeleted() >= messages, TIMEOUT),
                    "deleted " + endpoint.getMessagesDeleted() + ", last error: " + endpoint.getLastError());
            assertEquals(0, mailbox.messageCount());
            Path mailboxFolder = output.resolve(DemoMailbox.USER + "@127.0.0.1:" + mailbox.port());
            List<Path> pdfs = run.pdfFiles();
            assertEquals(DemoMessages.PDFS.size(), pdfs.size(), pdfs.toString());
            for (Path pdf : pdfs) {
                assertEquals(mailboxFolder, pdf.getParent().getParent(), "<mailbox>/<uidl>/<part>-<name>: " + pdf);
            }
            // the parts 2 and 3 of the statements message, each under its decoded name
            assertEquals(List.of("2-" + DemoMessages.PDF_STATEMENT, "3-" + DemoMessages.PDF_RECEIPT),
                    pdfs.stream().map(p -> p.getFileName().toString()).toList());
            for (int i = 0; i < pdfs.size(); i++) {
                assertArrayEquals(DemoMessages.pdf(DemoMessages.PDFS.get(i)), Files.readAllBytes(pdfs.get(i)));
            }
        }
    }

    @Test
    void demoSavesEveryPdfAttachmentAndTerminates() throws Exception {
        Path output = tmp.resolve("demo-pdfs");
        assertEquals(0, Demo.demoMailbox(Dsl.YAML, Mode.PDFS, output, false, TIMEOUT));
        assertEquals(DemoMessages.PDFS.size(), ExampleRunner.pdfFiles(output).size());
    }

    @Test
    void demoDeliversEveryDemoMessageAndTerminates() throws Exception {
        Path output = tmp.resolve("demo-mail");
        assertEquals(0, Demo.demoMailbox(Dsl.YAML, Mode.DELETE, output, false, TIMEOUT));
        assertEquals(DemoMessages.all().size(), ExampleRunner.emlFiles(output).size());
    }

    @Test
    void oauth2YamlExamplesConfigureXoauth2OverImplicitTls() throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:examples/yaml/application.properties");
        main.addOverrideProperty("camel.main.routes-include-pattern",
                "file:examples/yaml/oauth2-microsoft365.camel.yaml,file:examples/yaml/oauth2-gmail.camel.yaml");
        main.addOverrideProperty("camel.main.auto-startup", "false"); // never connects: no network in tests
        main.addOverrideProperty("pop3.seen-file", tmp.resolve("seen.txt").toString());
        main.addOverrideProperty("m365.refresh-token-file", tmp.resolve("m365-refresh-token").toString());
        main.start();
        try {
            assertOAuth2Route(main.getCamelContext().getRoute("microsoft365-mail"), "outlook.office365.com",
                    "https://login.microsoftonline.com/common/oauth2/v2.0/token");
            assertOAuth2Route(main.getCamelContext().getRoute("gmail-mail"), "pop.gmail.com",
                    "https://oauth2.googleapis.com/token");
        } finally {
            main.stop();
        }
    }

    @Test
    void oauth2JavaExamplesConfigureXoauth2OverImplicitTls() throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:examples/yaml/application.properties");
        main.addOverrideProperty("camel.main.routes-include-pattern", ExampleRunner.NO_YAML_ROUTES);
        main.addOverrideProperty("camel.main.auto-startup", "false");
        main.addOverrideProperty("pop3.seen-file", tmp.resolve("seen.txt").toString());
        main.addOverrideProperty("m365.refresh-token-file", tmp.resolve("m365-refresh-token").toString());
        main.configure().addRoutesBuilder(new Microsoft365MailRoute());
        main.configure().addRoutesBuilder(new GmailMailRoute());
        main.start();
        try {
            assertOAuth2Route(main.getCamelContext().getRoute("microsoft365-mail-java"), "outlook.office365.com",
                    "https://login.microsoftonline.com/common/oauth2/v2.0/token");
            assertOAuth2Route(main.getCamelContext().getRoute("gmail-mail-java"), "pop.gmail.com",
                    "https://oauth2.googleapis.com/token");
        } finally {
            main.stop();
        }
    }

    /** The route's endpoint as configured, and the token provider its oauth2 options built (no bean). */
    private static void assertOAuth2Route(Route route, String host, String tokenEndpoint) {
        Pop3RawEndpoint endpoint = assertInstanceOf(Pop3RawEndpoint.class, route.getEndpoint());
        Pop3RawConfiguration c = endpoint.getConfiguration();
        assertEquals(host, c.getHost());
        assertEquals(995, c.effectivePort());
        assertEquals(TlsMode.IMPLICIT, c.getTls());
        assertEquals("XOAUTH2", c.getAuthMechanism());
        assertNull(c.getAccessTokenProvider());
        OAuth2AccessTokenProvider tokens = assertInstanceOf(OAuth2AccessTokenProvider.class,
                endpoint.accessTokenProvider());
        assertTrue(
                tokens.toString().startsWith("OAuth2AccessTokenProvider[refresh_token grant at " + tokenEndpoint + " "),
                tokens.toString());
        assertTrue(c.getIdempotentRepository() != null && !c.isDelete());
    }

    private static String concat(List<Path> files) throws Exception {
        StringBuilder all = new StringBuilder();
        for (Path f : files) {
            all.append(Files.readString(f, StandardCharsets.UTF_8)).append("\n====\n");
        }
        return all.toString();
    }
}
