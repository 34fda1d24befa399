package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetupTest;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** The common path against GreenMail, the in-JVM server: log in, list, retrieve, delete, quit. */
class Pop3ClientGreenMailTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(ServerSetupTest.POP3);

    private GreenMailUser bob;

    @BeforeEach
    void mailbox() throws Exception {
        bob = GREENMAIL.setUser("bob@localhost", "bob", "secret");
        for (int i = 1; i <= 3; i++) {
            deliver("Subject: message " + i + "\r\nMessage-ID: <m" + i + "@test>\r\n\r\nbody " + i
                    + "\r\n.dot line\r\n");
        }
    }

    private void deliver(String raw) throws Exception {
        bob.deliver(new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
    }

    private Pop3Client connect() throws Exception {
        return Pop3Client.connect("127.0.0.1", GREENMAIL.getPop3().getPort(),
                Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).build());
    }

    @Test
    void listsAndRetrievesEveryMessageWithItsUidl() throws Exception {
        try (Pop3Client pop = connect()) {
            assertTrue(pop.getWelcome().startsWith("+OK"));
            pop.login("bob", "secret");
            assertTrue(pop.isAuthenticated());
            List<MessageInfo> listing = pop.listing();
            assertEquals(3, listing.size());
            assertEquals(3, pop.stat().messageCount());
            List<String> bodies = new ArrayList<>();
            try (RetrievalBatch batch = pop.retrieve(listing.stream().map(MessageInfo::number).toList())) {
                while (batch.hasNext()) {
                    RetrievedMessage m = batch.next();
                    assertTrue(m.retrieved());
                    try (InputStream in = m.body()) {
                        bodies.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                assertTrue(listing.get(i).hasValidUidl(), listing.get(i).toString());
                assertTrue(bodies.get(i).contains("Subject: message " + (i + 1)), bodies.get(i));
                assertTrue(bodies.get(i).contains("\r\n.dot line\r\n"), "dot-stuffing removed: " + bodies.get(i));
            }
            assertEquals(listing.get(1).uidl(), pop.uidl(listing.get(1).number()).uidl());
            pop.quit();
            assertTrue(pop.isClosed());
        }
    }

    @Test
    void deleteTakesEffectAtQuit() throws Exception {
        try (Pop3Client pop = connect()) {
            pop.login("bob", "secret");
            MessageInfo first = pop.listing().get(0);
            pop.dele(first.number());
            pop.quit();
        }
        try (Pop3Client pop = connect()) {
            pop.login("bob", "secret");
            assertEquals(2, pop.listing().size());
            pop.quit();
        }
    }

    @Test
    void aWrongPasswordIsAnErrorResponseThatDoesNotEchoThePassword() throws Exception {
        try (Pop3Client pop = connect()) {
            // GreenMail offers SASL PLAIN, so auto logs in with AUTH PLAIN
            Pop3ErrorResponseException e = assertThrows(Pop3ErrorResponseException.class,
                    () -> pop.login("bob", "wrong-password-xyz"));
            assertFalse(e.getMessage().contains("wrong-password-xyz"), e.getMessage());
            assertEquals("AUTH PLAIN", e.command());
        }
        try (Pop3Client pop = connect()) {
            Pop3ErrorResponseException e = assertThrows(Pop3ErrorResponseException.class,
                    () -> pop.login("bob", "wrong-password-xyz", null, "USER"));
            assertFalse(e.getMessage().contains("wrong-password-xyz"), e.getMessage());
            assertEquals("PASS <redacted>", e.command());
        }
    }

    @Test
    void retrOfAMissingMessageIsAnErrorAndTheSessionGoesOn() throws Exception {
        try (Pop3Client pop = connect()) {
            pop.login("bob", "secret");
            assertThrows(Pop3ErrorResponseException.class, () -> pop.retr(99));
            assertNotNull(pop.noop());
            byte[] top = pop.top(pop.listing().get(0).number(), 0);
            assertTrue(new String(top, StandardCharsets.US_ASCII).startsWith("Subject: message 1")
                    || new String(top, StandardCharsets.US_ASCII).contains("Subject: message 1"));
            pop.quit();
        }
    }
}
