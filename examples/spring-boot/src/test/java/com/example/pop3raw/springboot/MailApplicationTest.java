package com.example.pop3raw.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import dev.pop3raw.camel.Pop3RawComponent;
import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.camel.Pop3RawEndpoint;
import dev.pop3raw.client.TlsMode;

/**
 * Starts the application against an in-process POP3 server (GreenMail) holding a few messages. Only the server and
 * the mailbox settings are overridden; everything else is the application's own application.properties.
 */
@SpringBootTest
class MailApplicationTest {

    static final List<String> SUBJECTS = List.of("first", "second", "third", "fourth", "fifth");
    static final GreenMail MAIL = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));

    static {
        MAIL.start();
        var user = MAIL.setUser("alice@example.com", "alice", "s3cret");
        for (String subject : SUBJECTS) {
            user.deliver(GreenMailUtil.newMimeMessage("From: bob@example.com\r\nTo: alice@example.com\r\nSubject: "
                    + subject + "\r\n\r\nhello from the Spring Boot example\r\n"));
        }
    }

    @DynamicPropertySource
    static void mailbox(DynamicPropertyRegistry properties) {
        properties.add("mail.pop3.host", () -> "127.0.0.1");
        properties.add("mail.pop3.port", () -> MAIL.getPop3().getPort());
        properties.add("mail.pop3.delay", () -> 100);
        properties.add("camel.main.run-controller", () -> false);
        // GreenMail has no TLS; the client sends a password in clear only to a loopback address
        properties.add("camel.component.pop3raw.tls", () -> "none");
        properties.add("camel.component.pop3raw.username", () -> "alice");
        properties.add("camel.component.pop3raw.password", () -> "s3cret");
        // fewer than the mailbox holds: the messages arrive over several polls
        properties.add("camel.component.pop3raw.max-messages-per-poll", () -> 2);
    }

    @AfterAll
    static void stopServer() {
        MAIL.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    Inbox inbox;

    @Test
    void theApplicationConsumesEveryMessage() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inbox.subjects().size() < SUBJECTS.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(SUBJECTS, inbox.subjects().stream().sorted(
                (a, b) -> SUBJECTS.indexOf(a) - SUBJECTS.indexOf(b)).toList());
        // delete=true from application.properties: the mailbox is drained once the last session ended
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (MAIL.getReceivedMessages().length > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, MAIL.getReceivedMessages().length, "messages left on the server");
    }

    @Test
    void camelComponentPropertiesConfigureTheComponent() {
        Pop3RawConfiguration component = camel.getComponent("pop3raw", Pop3RawComponent.class).getConfiguration();
        assertEquals("alice", component.getUsername());
        assertEquals(TlsMode.NONE, component.getTls());
        assertEquals(2, component.getMaxMessagesPerPoll());
        assertTrue(component.isDelete(), "camel.component.pop3raw.delete from application.properties");

        // and every endpoint starts from them
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) camel.getRoute("mail").getEndpoint();
        assertEquals("alice", endpoint.getConfiguration().getUsername());
        assertEquals(2, endpoint.getConfiguration().getMaxMessagesPerPoll());
        assertTrue(endpoint.getConfiguration().isDelete());
    }
}
