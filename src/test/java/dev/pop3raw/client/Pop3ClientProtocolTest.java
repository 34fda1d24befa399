package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedPop3Server;
import dev.pop3raw.testing.Socks5Proxy;
import dev.pop3raw.testing.TestTls;

/** The client's wire behaviour against a scripted server, byte for byte in both directions. */
class Pop3ClientProtocolTest {

    private static final Duration DONE = Duration.ofSeconds(5);
    private static final String CAPA_PIPELINING = "+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n";
    private static final String CAPA_PLAIN = "+OK\r\nUSER\r\nUIDL\r\n.\r\n";

    private static Pop3ClientOptions.Builder plain() {
        return Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(3));
    }

    private static Pop3Client connect(ScriptedPop3Server server, Pop3ClientOptions.Builder options) throws Exception {
        return Pop3Client.connect(server.host(), server.port(), options.build());
    }

    @Test
    void aWholeSessionSendsExactlyTheseBytes() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PIPELINING)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS secret").send("+OK 2 messages\r\n")
                .expect("CAPA").send(CAPA_PIPELINING)
                .expect("UIDL", "LIST") // both before any reply: one round trip
                .send("+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n+OK\r\n1 10\r\n2 20\r\n.\r\n")
                .expect("RETR 2").send("+OK\r\nSubject: x\r\n\r\n..hi\r\n.\r\n")
                .expect("DELE 2").send("+OK\r\n")
                .expect("QUIT").send("+OK bye\r\n")
                .expectClose())) {
            try (Pop3Client pop = connect(server, plain())) {
                assertEquals("+OK POP3 server ready", pop.getWelcome());
                pop.login("bob", "secret");
                assertEquals(List.of(new MessageInfo(1, 10, "aaa"), new MessageInfo(2, 20, "bbb")), pop.listing());
                assertEquals("Subject: x\r\n\r\n.hi\r\n", new String(pop.retr(2), StandardCharsets.US_ASCII));
                pop.dele(2);
                assertEquals("bye", pop.quit());
            }
            server.awaitScriptDone(DONE);
            assertEquals("CAPA\r\nUSER bob\r\nPASS secret\r\nCAPA\r\nUIDL\r\nLIST\r\nRETR 2\r\nDELE 2\r\nQUIT\r\n",
                    server.receivedText());
        }
    }

    @Test
    void withoutPipeliningListingIsLockStep() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("UIDL").send("+OK\r\n1 aaa\r\n.\r\n")
                .expect("LIST").send("+OK\r\n1 10\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertEquals(List.of(new MessageInfo(1, 10, "aaa")), pop.listing());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void aServerWithoutUidlYieldsNullIdsAndAServerWithoutCapaOffersNothing() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send("-ERR what?\r\n")
                .expect("UIDL").send("-ERR unknown command\r\n")
                .expect("LIST").send("+OK\r\n1 10\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertFalse(pop.capabilities().pipelining());
                assertEquals(List.of(new MessageInfo(1, 10, null)), pop.listing());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void listingLinesMayHaveBlanksAndListLinesExtraFields() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("UIDL").send("+OK\r\n 1  aaa \r\n2\tbbb\t\r\n007 ccc\n.\r\n")
                .expect("LIST").send("+OK\r\n1 10\r\n2   20  extra\r\n7 0\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertEquals(List.of(new MessageInfo(1, 10, "aaa"), new MessageInfo(2, 20, "bbb"),
                        new MessageInfo(7, 0, "ccc")), pop.listing());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void listingsInDifferentOrdersAreJoinedByMessageNumber() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("UIDL").send("+OK\r\n1 aaa\r\n3 ccc\r\n2 bbb\r\n.\r\n")
                .expect("LIST").send("+OK\r\n1 10\r\n2 20\r\n3 30\r\n4 40\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertEquals(List.of(new MessageInfo(1, 10, "aaa"), new MessageInfo(2, 20, "bbb"),
                        new MessageInfo(3, 30, "ccc"), new MessageInfo(4, 40, null, "UIDL: no line for this message")),
                        pop.listing());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "-ERR [IN-USE] mailbox locked, IN-USE, IN-USE",
            "-ERR [LOGIN-DELAY] wait 300s, LOGIN-DELAY, LOGIN-DELAY",
            "-ERR [SYS/TEMP] try later, SYS/TEMP, SYS",
            "-ERR [SYS/PERM] account disabled, SYS/PERM, SYS/PERM",
            "-ERR [AUTH] bad password, AUTH, AUTH",
            "-ERR [UTF8] need UTF8, UTF8, UTF8"})
    void errorRepliesCarryTheirResponseCode(String reply, String code, String family) throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pw").send(reply + "\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                Pop3ErrorResponseException e = assertThrows(Pop3ErrorResponseException.class,
                        () -> pop.login("bob", "pw"));
                assertEquals(ResponseCode.of(code), e.responseCode());
                assertTrue(e.hasCode(ResponseCode.of(family)));
                assertEquals(reply.substring(5), e.serverText());
            }
        }
    }

    @Test
    void anErrorWithoutCodeHasNone() {
        Pop3ErrorResponseException e = new Pop3ErrorResponseException("RETR 1", "-ERR no such message");
        assertNull(e.responseCode());
        assertFalse(e.hasCode(ResponseCode.IN_USE));
    }

    @Test
    void pipelinedRetrievalKeepsTheWindowFullAndSkipsAMessageTheServerRefuses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PIPELINING)
                .expect("RETR 1", "RETR 2") // window of 2: two commands before any reply
                .send("+OK\r\none\r\n.\r\n-ERR no such message\r\n")
                .expect("RETR 3", "RETR 4")
                .send("+OK\r\nthree\r\n.\r\n+OK\r\nfour\r\n.\r\n")
                .expect("NOOP").send("+OK\r\n"))) {
            try (Pop3Client pop = connect(server, plain().pipelineWindow(2))) {
                List<String> got = new ArrayList<>();
                try (RetrievalBatch batch = pop.retrieve(List.of(1, 2, 3, 4))) {
                    while (batch.hasNext()) {
                        RetrievedMessage m = batch.next();
                        got.add(m.retrieved()
                                ? new String(m.body().readAllBytes(), StandardCharsets.US_ASCII)
                                : "error " + m.error().serverText());
                    }
                }
                assertEquals(List.of("one\r\n", "error no such message", "three\r\n", "four\r\n"), got);
                pop.noop();
            }
            server.awaitScriptDone(DONE);
        }
    }

    /** A pipelining server that is asked for messages 1 and 2 in one write. */
    private static ScriptedPop3Server.Script retrOneAndTwo(ScriptedPop3Server.Script s) {
        return s.greeting()
                .expect("CAPA").send(CAPA_PIPELINING)
                .expect("RETR 1", "RETR 2");
    }

    /** {@link #retrOneAndTwo}, both replies short, then DELE 1. */
    private static void twoShortRepliesThenDele(ScriptedPop3Server.Script s) {
        retrOneAndTwo(s)
                .send("+OK\r\none\r\n.\r\n+OK\r\ntwo\r\n.\r\n")
                .expect("DELE 1").send("+OK\r\n");
    }

    @Test
    void noOtherCommandMayBeSentWhileRetrsAreInFlight() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(Pop3ClientProtocolTest::twoShortRepliesThenDele)) {
            try (Pop3Client pop = connect(server, plain())) {
                RetrievalBatch batch = pop.retrieve(List.of(1, 2));
                batch.next();
                assertThrows(IllegalStateException.class, () -> pop.dele(1));
                batch.close(); // drains the second reply
                pop.dele(1);
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void closingABatchWithALimitReadsShortRepliesAndLeavesTheSessionReady() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(Pop3ClientProtocolTest::twoShortRepliesThenDele)) {
            try (Pop3Client pop = connect(server, plain())) {
                RetrievalBatch batch = pop.retrieve(List.of(1, 2));
                batch.next();
                assertTrue(batch.close(100), "the second reply (5 octets) is read");
                pop.dele(1);
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void closingABatchWithALimitDropsTheSessionInsteadOfReadingAnEndlessReply() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> retrOneAndTwo(s)
                .send("+OK\r\none\r\n.\r\n+OK\r\nSubject: never ends\r\n\r\n")
                .sendForever("all work and no play makes a server a liar\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                RetrievalBatch batch = pop.retrieve(List.of(1, 2));
                assertArrayEquals("one\r\n".getBytes(StandardCharsets.US_ASCII), batch.next().body().readAllBytes());
                assertFalse(batch.close(100_000), "more than 100,000 octets: not read to the end");
                assertTrue(pop.isClosed());
                assertFalse(batch.close(100_000), "a closed session stays closed");
            }
            assertTrue(server.awaitClientClosed(DONE));
        }
    }

    @Test
    void aConnectionLostInTheMiddleOfAMessageIsAnErrorAndClosesTheSession() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("RETR 1").send("+OK\r\nSubject: half\r\n\r\nthe body is cu")
                .hangUp())) {
            try (Pop3Client pop = connect(server, plain())) {
                InputStream in = pop.retrStream(1);
                assertThrows(Pop3ConnectionClosedException.class, in::readAllBytes);
                assertThrows(Pop3Exception.class, pop::noop);
            }
        }
    }

    @Test
    void argumentsWithCrLfOrNulAreRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("NOOP").send("+OK\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertThrows(IllegalArgumentException.class, () -> pop.user("bob\r\nDELE 1"));
                assertThrows(IllegalArgumentException.class, () -> pop.login("bob", "pw\nDELE 1"));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pop.pass("zq\0qz"));
                assertFalse(e.getMessage().contains("zq"),
                        "the message names the argument, not its value: " + e.getMessage());
                pop.noop();
            }
            server.awaitScriptDone(DONE);
            assertEquals("CAPA\r\nNOOP\r\n", server.receivedText());
        }
    }

    @Test
    void debugLevelTwoShowsTheWireButNeverThePassword() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pa55-w0rd-XYZ").send("+OK\r\n")
                .expect("CAPA").send(CAPA_PLAIN));
                LogCapture logs = LogCapture.everything()) {
            try (Pop3Client pop = connect(server, plain().debugLevel(2))) {
                pop.login("bob", "pa55-w0rd-XYZ");
            }
            server.awaitScriptDone(DONE);
            String text = logs.text();
            assertTrue(text.contains("C: USER bob"), text);
            assertTrue(text.contains("C: PASS <redacted>"), text);
            assertTrue(text.contains("S: +OK POP3 server ready"), text);
            assertFalse(text.contains("pa55-w0rd-XYZ"), text);
        }
    }

    @Test
    void debugLevelOneLogsCommandsOnlyAndLevelZeroNothing() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("NOOP").send("+OK noop-reply\r\n")
                .expect("STAT").send("+OK 0 0\r\n"));
                LogCapture logs = LogCapture.everything()) {
            try (Pop3Client pop = connect(server, plain().debugLevel(1))) {
                pop.noop();
                pop.setDebugLevel(0);
                pop.stat();
            }
            String text = logs.text();
            assertTrue(text.contains("C: NOOP"), text);
            assertFalse(text.contains("noop-reply"), text);
            assertFalse(text.contains("STAT"), text);
        }
    }

    @Test
    void apopSendsTheRfc1939Digest() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
                .expect("CAPA").send("-ERR\r\n")
                .expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb").send("+OK maildrop has 1 message\r\n")
                .expect("CAPA").send("-ERR\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                pop.apop("mrose", "tanstaaf");
                assertTrue(pop.isAuthenticated());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void passwordsAreNotSentInClearToARemoteHostUnlessAllowed() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pw").send("+OK\r\n")
                .expect("CAPA").send(CAPA_PLAIN))) {
            try (Pop3Client pop = connect(server, plain().loopbackIsTrusted(false))) {
                Pop3SecurityException e = assertThrows(Pop3SecurityException.class, () -> pop.login("bob", "pw"));
                assertTrue(e.getMessage().contains("unencrypted"), e.getMessage());
            }
            assertEquals("CAPA\r\n", server.receivedText());
        }
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("USER bob").send("+OK\r\n")
                .expect("PASS pw").send("+OK\r\n")
                .expect("CAPA").send(CAPA_PLAIN))) {
            try (Pop3Client pop = connect(server, plain().loopbackIsTrusted(false).allowCleartextAuth(true))) {
                pop.login("bob", "pw");
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void stlsUpgradesDiscardsBytesSentBeforeTheHandshakeAndAsksCapaAgain() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send("+OK\r\nSTLS\r\nUSER\r\n.\r\n")
                .expect("STLS").send("+OK begin TLS\r\n-ERR injected before the handshake\r\n")
                .startTls(tls.serverContext())
                .expect("CAPA").send("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n")
                .expect("NOOP").send("+OK\r\n"))) {
            try (Pop3Client pop = Pop3Client.connect("localhost", server.port(), Pop3ClientOptions.builder()
                    .tlsMode(TlsMode.STARTTLS).sslContext(tls.clientContext()).build())) {
                assertTrue(pop.isSecure());
                assertEquals(List.of("PLAIN"), pop.capabilities().saslMechanisms());
                pop.noop();
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void requiredStlsStopsWhenTheServerDoesNotOfferIt() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN))) {
            Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                    () -> connect(server, plain().tlsMode(TlsMode.STARTTLS)));
            assertTrue(e.getMessage().contains("STLS is required"), e.getMessage());
            assertTrue(server.awaitClientClosed(DONE), "the client closed its socket");
            assertEquals("CAPA\r\n", server.receivedText());
        }
    }

    @Test
    void autoModeUpgradesWhenStlsIsOfferedAndRefusesAnUntrustedCertificate() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send("+OK\r\nSTLS\r\n.\r\n")
                .expect("STLS").send("+OK\r\n")
                .startTls(tls.serverContext()))) {
            // the JVM's default trust store does not know the test CA
            assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect("localhost", server.port(),
                    Pop3ClientOptions.builder().tlsMode(TlsMode.AUTO).build()));
        }
    }

    @Test
    void implicitTlsChecksTheHostNameAndAPinnedCertificate() throws Exception {
        TestTls tls = TestTls.localhost();
        String pin = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(tls.serverCertificate().getEncoded()));
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(tls.serverContext())
                .session(s -> s.greeting().expect("CAPA").send(CAPA_PLAIN))
                .session(s -> s.greeting())
                .start()) {
            try (Pop3Client pop = Pop3Client.connect("localhost", server.port(), Pop3ClientOptions.builder()
                    .tlsMode(TlsMode.IMPLICIT).sslContext(tls.clientContext()).pinnedCertificateSha256(pin).build())) {
                assertTrue(pop.isSecure());
            }
            String wrongPin = "00".repeat(32);
            Pop3SecurityException e = assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect("localhost",
                    server.port(), Pop3ClientOptions.builder().tlsMode(TlsMode.IMPLICIT)
                            .sslContext(tls.clientContext()).pinnedCertificateSha256(wrongPin).build()));
            assertTrue(e.getMessage().contains("pinned"), e.getMessage());
        }
        TestTls wrongHost = TestTls.wrongHost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(wrongHost.serverContext())
                .session(s -> s.greeting()).start()) {
            assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect("localhost", server.port(),
                    Pop3ClientOptions.builder().tlsMode(TlsMode.IMPLICIT).sslContext(wrongHost.clientContext())
                            .build()));
        }
        TestTls expired = TestTls.expired();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(expired.serverContext())
                .session(s -> s.greeting()).start()) {
            assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect("localhost", server.port(),
                    Pop3ClientOptions.builder().tlsMode(TlsMode.IMPLICIT).sslContext(expired.clientContext()).build()));
        }
    }

    @Test
    void quitClosesTheSocketEvenWhenTheServerAnswersErr() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("QUIT").send("-ERR some deleted messages not removed\r\n")
                .expectClose())) {
            Pop3Client pop = connect(server, plain());
            assertThrows(Pop3ErrorResponseException.class, pop::quit);
            assertTrue(pop.isClosed());
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void quitClosesTheSocketWhenTheServerHangsUpOrStaysSilent() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("QUIT").hangUp())) {
            Pop3Client pop = connect(server, plain());
            assertThrows(Pop3ConnectionClosedException.class, pop::quit);
            assertTrue(pop.isClosed());
        }
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("QUIT").stall())) {
            Pop3Client pop = connect(server, plain().readTimeout(Duration.ofMillis(300)));
            assertThrows(Pop3TimeoutException.class, pop::quit);
            assertTrue(pop.isClosed());
            assertTrue(server.awaitClientClosed(DONE));
        }
    }

    @Test
    void anOverlongStatusLineFailsFastAndClosesTheSession() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").sendForever("+OK this line never ends "))) {
            long start = System.nanoTime();
            Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class,
                    () -> connect(server, plain()));
            assertTrue(e.getMessage().contains("longer than 8192"), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
            assertTrue(server.awaitClientClosed(DONE));
        }
    }

    @Test
    void anEndlessListingIsBoundedInEntries() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("UIDL").send("+OK\r\n").sendForever("1 same-uidl\r\n"))) {
            try (Pop3Client pop = connect(server, plain().maxListingEntries(1000))) {
                Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class, pop::uidl);
                assertTrue(e.getMessage().contains("more than 1000"), e.getMessage());
            }
        }
    }

    @Test
    void aGreetingThatIsNotPop3IsMalformed() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s.send("220 smtp.example.com ESMTP\r\n"))) {
            Pop3MalformedResponseException e = assertThrows(Pop3MalformedResponseException.class,
                    () -> connect(server, plain()));
            assertTrue(e.getMessage().contains("220 smtp.example.com"), e.getMessage());
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheReadTimeout() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s.stall())) {
            long start = System.nanoTime();
            assertThrows(Pop3TimeoutException.class,
                    () -> connect(server, plain().readTimeout(Duration.ofMillis(300))));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
        }
    }

    @Test
    void aSocksProxyCarriesTheSessionAndCountsAsRemote() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("NOOP").send("+OK\r\n"));
                Socks5Proxy proxy = new Socks5Proxy()) {
            Proxy socks = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", proxy.port()));
            try (Pop3Client pop = connect(server, plain().proxy(socks))) {
                pop.noop();
                // behind a proxy the server's address is unknown: no password in clear without permission
                assertThrows(Pop3SecurityException.class, () -> pop.login("bob", "pw"));
            }
            server.awaitScriptDone(DONE);
            assertEquals(List.of("127.0.0.1:" + server.port()), proxy.destinations());
        }
    }

    @Test
    void utf8IsRequestedWithTheUtf8CommandAndUtf8TextIsRead() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send("+OK\r\nUTF8\r\n.\r\n")
                .expect("UTF8").send("+OK UTF8 enabled\r\n")
                .expect("USER jörg").send("+OK grüß dich\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                assertTrue(pop.capabilities().utf8());
                assertEquals("UTF8 enabled", pop.utf8());
                assertEquals("grüß dich", pop.user("jörg"));
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void timeoutsMustBeFinite() {
        assertThrows(IllegalArgumentException.class, () -> Pop3ClientOptions.builder().readTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> Pop3ClientOptions.builder().connectTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void retrBytesAreExactlyTheUnstuffedMessage() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(CAPA_PLAIN)
                .expect("TOP 1 0").send("+OK\r\nA: b\r\n\r\n...\r\n....\r\nend\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server, plain())) {
                byte[] got = pop.top(1, 0);
                assertArrayEquals("A: b\r\n\r\n..\r\n...\r\nend\r\n".getBytes(StandardCharsets.US_ASCII), got);
            }
        }
    }
}
