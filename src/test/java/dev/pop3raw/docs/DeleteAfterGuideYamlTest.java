package dev.pop3raw.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pop3raw.testing.ScriptedMailbox;

/**
 * The deleteAfter YAML of the user guide (block [[delete-after-yaml]]) and of the component page (block
 * [[component-delete-after-yaml]], with mapHeaders) runs as printed with camel-main and camel-yaml-dsl,
 * its beans included, against a {@link ScriptedMailbox}. Overridden, and nothing else: the host (the local server) and
 * the folder of the two files (a temp directory). The message is routed once, stays on the server, and its time is in
 * the state file under its processed key.
 */
class DeleteAfterGuideYamlTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"docs/user-guide.adoc, delete-after-yaml", "docs/pop3raw-component.adoc, component-delete-after-yaml"})
    void theDocsYamlKeepsTheMessageAndRecordsItsFirstProcessedTime(String doc, String block) throws Exception {
        String text = Files.readString(Path.of(doc), StandardCharsets.UTF_8);
        String yaml = OAuth2GuideYamlTest.block(text, block);
        try (ScriptedMailbox stub = ScriptedMailbox.start()) {
            stub.add("guide-1", "Subject: kept\r\nFrom: x@example.com\r\n\r\nhello\r\n");
            String local = yaml.replace("pop3raw:pop.example.com", "pop3raw:127.0.0.1:" + stub.port())
                    .replace("/var/lib/mail-route", tmp.toString());
            assertTrue(!local.equals(yaml), "the guide's host and folder were found");
            Path route = Files.writeString(tmp.resolve("route.camel.yaml"), local);
            Path mail = Files.writeString(tmp.resolve("mail.camel.yaml"),
                    "- route:\n    from:\n      uri: direct:mail\n      steps:\n        - log: \"${header.CamelPop3RawUidl}\"\n");
            Main main = new Main();
            main.addInitialProperty("mail.user", "alice");
            main.addInitialProperty("mail.password", "s3cret-pw");
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + route + ",file:" + mail);
            main.start();
            try {
                long end = System.currentTimeMillis() + 30_000;
                while (!Files.exists(tmp.resolve("first-processed.txt"))
                        || Files.readString(tmp.resolve("first-processed.txt")).isEmpty()) {
                    assertTrue(System.currentTimeMillis() < end, "no time recorded");
                    Thread.sleep(50);
                }
            } finally {
                main.stop();
            }
            assertEquals(List.of("guide-1"), stub.retrieved);
            assertEquals(List.of("guide-1"), stub.uidls(), "kept on the server");
            String times = Files.readString(tmp.resolve("first-processed.txt"), StandardCharsets.UTF_8);
            assertTrue(times.contains("alice@127.0.0.1:" + stub.port() + "/guide-1="), times);
            assertTrue(Files.readString(tmp.resolve("seen.txt")).contains("/guide-1"));
        }
    }
}
