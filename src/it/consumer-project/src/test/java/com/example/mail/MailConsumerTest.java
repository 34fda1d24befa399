package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

/** A user's project: camel-main, a route on pop3raw:, the component found by its URI scheme in the installed jar. */
class MailConsumerTest {

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.POP3)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alice", "secret"));

    @Test
    void aCamelMainRouteConsumesTheMailboxThroughTheInstalledJar() throws Exception {
        mail.getUserManager().getUser("alice").deliver(GreenMailUtil.newMimeMessage(
                "From: bob@example.com\r\nTo: alice@localhost\r\nSubject: hi\r\n\r\nhello from a consumer project\r\n"));
        int port = mail.getPop3().getPort();
        List<String> bodies = new CopyOnWriteArrayList<>();

        Main main = new Main();
        main.configure().withDurationMaxMessages(1).withDurationMaxSeconds(60);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:127.0.0.1:" + port + "?username=alice&password=RAW(secret)&delete=true&initialDelay=0")
                        .process(e -> bodies.add(e.getMessage().getBody(String.class)));
            }
        });
        main.run();

        assertEquals(1, bodies.size(), "one message consumed");
        assertTrue(bodies.get(0).contains("hello from a consumer project"), bodies.get(0));
    }

    @Test
    void theJarCarriesWhatCamelToolingReads() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        Properties component = new Properties();
        try (InputStream in = loader.getResourceAsStream("META-INF/services/org/apache/camel/component.properties")) {
            assertNotNull(in, "component.properties");
            component.load(in);
        }
        assertEquals("pop3raw", component.getProperty("components"));
        assertEquals("camel-pop3raw", component.getProperty("artifactId"));
        try (InputStream in = loader.getResourceAsStream("META-INF/dev/pop3raw/camel/pop3raw.json")) {
            assertNotNull(in, "the component's catalog metadata");
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"scheme\": \"pop3raw\""));
        }
        try (InputStream in = loader.getResourceAsStream("META-INF/LICENSE")) {
            assertNotNull(in, "the licence");
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("Apache License"));
        }
    }
}
