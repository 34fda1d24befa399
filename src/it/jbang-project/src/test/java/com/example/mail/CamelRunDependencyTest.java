package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.main.KameletMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * The route of the Camel JBang line in docs/getting-started.adoc, run as `camel run` runs it: KameletMain with the
 * component given only by its Maven coordinates (what --dep sets), resolved from the local repository.
 */
class CamelRunDependencyTest {

    static final List<String> SUBJECTS = List.of("one", "two", "three");

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.POP3)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alice", "s3cret"));

    @TempDir
    Path tmp;

    @Test
    void theRouteRunsWithTheComponentGivenByItsCoordinates() throws Exception {
        // not on this project's class path: only the dependency below brings it
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.pop3raw.camel.Pop3RawComponent"));
        String example = System.getProperty("jbang.example");
        assertNotNull(example, "the example's path (set by the POM)");
        for (String subject : SUBJECTS) {
            mail.getUserManager().getUser("alice").deliver(GreenMailUtil.newMimeMessage("From: bob@example.com\r\n"
                    + "To: alice@localhost\r\nSubject: " + subject + "\r\n\r\nhello from camel run\r\n"));
        }
        Path output = tmp.resolve("mail");

        KameletMain main = new KameletMain("camel.jbang");
        main.addInitialProperty("camel.jbang.dependencies", System.getProperty("pop3raw.dependency"));
        main.addInitialProperty("camel.main.routesIncludePattern", "file:" + example);
        main.addInitialProperty("camel.main.durationMaxMessages", String.valueOf(SUBJECTS.size()));
        main.addInitialProperty("camel.main.durationMaxSeconds", "60");
        main.addInitialProperty("pop3.host", "127.0.0.1");
        main.addInitialProperty("pop3.port", String.valueOf(mail.getPop3().getPort()));
        main.addInitialProperty("pop3.tls", "none");
        main.addInitialProperty("pop3.user", "alice");
        main.addInitialProperty("pop3.password", "s3cret");
        main.addInitialProperty("pop3.delay", "100");
        main.addInitialProperty("mail.output", output.toString());
        main.run();

        List<String> written;
        // the example writes one folder per mailbox (its fileName starts with the CamelPop3RawMailbox header)
        try (Stream<Path> files = Files.walk(output).filter(Files::isRegularFile)) {
            written = files.map(file -> {
                assertEquals("alice@127.0.0.1:" + mail.getPop3().getPort(), file.getParent().getFileName().toString());
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(SUBJECTS.size(), written.size(), written.toString());
        for (String subject : SUBJECTS) {
            assertTrue(written.stream().anyMatch(text -> text.contains("Subject: " + subject + "\r\n")), subject);
        }
    }
}
