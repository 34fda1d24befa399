package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pop3raw.testing.DovecotServer;

/**
 * The client against a real Dovecot (Debian's dovecot-pop3d), a private instance on free loopback ports:
 * every login mechanism, both TLS modes, UIDL, TOP, pipelining, and DELE that only takes effect at QUIT.
 */
class Pop3ClientDovecotTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "pä ss:word";
    private static final String MESSAGE = "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: hello\r\n"
            + "Message-ID: <1@example.com>\r\n\r\nfirst line\r\n.leading dot\r\n..two dots\r\n"
            + "last line\r\n";

    private static DovecotServer dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @BeforeEach
    void twoMessages() throws Exception {
        dovecot.clearMailbox(USER);
        dovecot.deliver(USER, MESSAGE);
        dovecot.deliver(USER, MESSAGE.replace("hello", "second"));
    }

    private static Pop3Client plain() throws Exception {
        return Pop3Client.connect(dovecot.host(), dovecot.pop3Port(),
                Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(20)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"USER", "APOP", "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "auto"})
    void everyMechanismLogsIn(String mechanism) throws Exception {
        try (Pop3Client pop = plain()) {
            pop.login(USER, PASSWORD, null, mechanism);
            assertTrue(pop.isAuthenticated());
            assertEquals(2, pop.stat().messageCount());
            pop.quit();
        }
    }

    @Test
    void aWrongPasswordIsAnAuthError() throws Exception {
        try (Pop3Client pop = plain()) {
            Pop3ErrorResponseException e = assertThrows(Pop3ErrorResponseException.class,
                    () -> pop.login(USER, "wrong", null, "PLAIN"));
            assertTrue(e.hasCode(ResponseCode.AUTH), e.getMessage());
        }
    }

    @Test
    void stlsUpgradesAndVerifiesTheCertificate() throws Exception {
        try (Pop3Client pop = Pop3Client.connect(dovecot.host(), dovecot.pop3Port(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.STARTTLS).sslContext(dovecot.sslContext()).build())) {
            assertTrue(pop.isSecure());
            pop.login(USER, PASSWORD);
            assertEquals(2, pop.listing().size());
            pop.quit();
        }
        // without trusting the server's self-signed certificate, STLS fails: no fallback to cleartext
        assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect(dovecot.host(), dovecot.pop3Port(),
                Pop3ClientOptions.builder().tlsMode(TlsMode.STARTTLS).build()));
    }

    @Test
    void implicitTlsWithAPinnedCertificate() throws Exception {
        try (Pop3Client pop = Pop3Client.connect(dovecot.host(), dovecot.pop3sPort(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.IMPLICIT).sslContext(dovecot.sslContext())
                .pinnedCertificateSha256(dovecot.certificateSha256()).build())) {
            assertTrue(pop.isSecure());
            pop.login(USER, PASSWORD);
            pop.quit();
        }
    }

    @Test
    void uidlTopAndPipelinedRetrieval() throws Exception {
        try (Pop3Client pop = plain()) {
            pop.login(USER, PASSWORD);
            assertTrue(pop.capabilities().pipelining(), "Dovecot advertises PIPELINING");
            List<MessageInfo> listing = pop.listing();
            assertEquals(2, listing.size());
            for (MessageInfo m : listing) {
                assertTrue(m.hasValidUidl());
                assertEquals(m.uidl(), pop.uidl(m.number()).uidl());
                assertEquals(m.size(), pop.list(m.number()).size());
            }
            String top = new String(pop.top(1, 1), StandardCharsets.UTF_8);
            assertTrue(top.startsWith("From: bob@example.com"), top);
            assertTrue(top.endsWith("\r\n\r\nfirst line\r\n"), top);
            try (RetrievalBatch batch = pop.retrieve(List.of(1, 2))) {
                RetrievedMessage first = batch.next();
                try (InputStream in = first.body()) {
                    assertArrayEquals(MESSAGE.getBytes(StandardCharsets.UTF_8), in.readAllBytes());
                }
                assertEquals(listing.get(1).size(), batch.next().body().readAllBytes().length);
            }
            pop.quit();
        }
    }

    @Test
    void deleTakesEffectOnlyAfterQuit() throws Exception {
        try (Pop3Client pop = plain()) {
            pop.login(USER, PASSWORD);
            pop.dele(1);
            assertEquals(2, dovecot.messageCount(USER), "nothing deleted before QUIT");
            pop.quit();
        }
        assertEquals(1, dovecot.messageCount(USER));
    }

    @Test
    void aSessionThatEndsWithoutQuitDeletesNothing() throws Exception {
        try (Pop3Client pop = plain()) {
            pop.login(USER, PASSWORD);
            pop.dele(1);
            pop.dele(2);
        } // close() drops the connection without QUIT
        dovecot.awaitLog("Connection closed", Duration.ofSeconds(10));
        assertEquals(2, dovecot.messageCount(USER));
    }

    @Test
    void rsetUnmarksDeletions() throws Exception {
        try (Pop3Client pop = plain()) {
            pop.login(USER, PASSWORD);
            pop.dele(1);
            pop.rset();
            pop.quit();
        }
        assertEquals(2, dovecot.messageCount(USER));
    }
}
