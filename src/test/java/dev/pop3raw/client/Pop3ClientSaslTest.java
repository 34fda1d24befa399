package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.client.sasl.SaslMechanism;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedPop3Server;

/** Each SASL exchange on the wire (RFC 5034), including challenges, cancel and the OAuth error dance. */
class Pop3ClientSaslTest {

    private static final Duration DONE = Duration.ofSeconds(5);

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String capa(String sasl) {
        return "+OK\r\nUSER\r\nSASL " + sasl + "\r\n.\r\n";
    }

    private static Pop3Client connect(ScriptedPop3Server server) throws Exception {
        return Pop3Client.connect(server.host(), server.port(),
                Pop3ClientOptions.builder().tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(3)).build());
    }

    @Test
    void autoPicksTheStrongestOfferedAndPlainGoesAsAnInitialResponse() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("LOGIN PLAIN"))
                .expect("AUTH PLAIN " + b64("\0bob\0secret")).send("+OK welcome\r\n")
                .expect("CAPA").send(capa("LOGIN PLAIN")))) {
            try (Pop3Client pop = connect(server)) {
                pop.login("bob", "secret");
                assertTrue(pop.isAuthenticated());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void loginAnswersTheUsernameAndPasswordChallenges() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("LOGIN"))
                .expect("AUTH LOGIN").send("+ " + b64("Username:") + "\r\n")
                .expect(b64("bob")).send("+ " + b64("Password:") + "\r\n")
                .expect(b64("secret")).send("+OK\r\n")
                .expect("CAPA").send(capa("LOGIN")))) {
            try (Pop3Client pop = connect(server)) {
                pop.login("bob", "secret", null, "LOGIN");
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void cramMd5AnswersTheRfc2195Challenge() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("PLAIN CRAM-MD5"))
                .expect("AUTH CRAM-MD5").send("+ " + b64("<1896.697170952@postoffice.reston.mci.net>") + "\r\n")
                .expect(b64("tim b913a602c7eda7a495b4e6e7334d3890")).send("+OK\r\n")
                .expect("CAPA").send(capa("PLAIN CRAM-MD5")))) {
            try (Pop3Client pop = connect(server)) {
                pop.login("tim", "tanstaaftanstaaf"); // auto prefers CRAM-MD5 to PLAIN
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void aChallengeTheMechanismCannotAnswerIsCancelledWithAStar() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("CRAM-MD5"))
                .expect("AUTH CRAM-MD5").send("+\r\n") // an empty challenge: nothing to sign
                .expect("*").send("-ERR AUTH cancelled\r\n"))) {
            try (Pop3Client pop = connect(server)) {
                Pop3Exception e = assertThrows(Pop3Exception.class, () -> pop.login("tim", "pw"));
                assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
                assertFalse(pop.isAuthenticated());
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void anEmptyInitialResponseIsSentAsEquals() throws Exception {
        SaslMechanism empty = new SaslMechanism() {
            public String name() {
                return "EXTERNAL";
            }

            public byte[] initialResponse() {
                return new byte[0];
            }

            public byte[] evaluateChallenge(byte[] challenge) {
                return new byte[0];
            }

            public boolean sendsReusableSecret() {
                return false;
            }
        };
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("EXTERNAL"))
                .expect("AUTH EXTERNAL =").send("+OK\r\n")
                .expect("CAPA").send(capa("EXTERNAL")))) {
            try (Pop3Client pop = connect(server)) {
                pop.authenticate(empty);
            }
            server.awaitScriptDone(DONE);
        }
    }

    @Test
    void aLongXoauth2TokenUsesTheTwoLineFormAndARefusedTokenIsRefreshedOnce() throws Exception {
        String staleToken = "stale-" + "a".repeat(300);
        String freshToken = "fresh-" + "b".repeat(300);
        List<Boolean> refreshes = new ArrayList<>();
        AccessTokenProvider tokens = (user, forceRefresh) -> {
            refreshes.add(forceRefresh);
            return forceRefresh ? freshToken : staleToken;
        };
        String error = b64("{\"status\":\"401\",\"schemes\":\"bearer\"}");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("XOAUTH2"))
                // too long for one 255-octet line: AUTH alone, the token answers the empty challenge
                .expect("AUTH XOAUTH2").send("+ \r\n")
                .expect(b64("user=bob@example.com\u0001auth=Bearer " + staleToken + "\u0001\u0001"))
                .send("+ " + error + "\r\n")
                .expect("").send("-ERR [AUTH] invalid token\r\n")
                .expect("AUTH XOAUTH2").send("+\r\n")
                .expect(b64("user=bob@example.com\u0001auth=Bearer " + freshToken + "\u0001\u0001"))
                .send("+OK\r\n")
                .expect("CAPA").send(capa("XOAUTH2")));
                LogCapture logs = LogCapture.everything()) {
            try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), Pop3ClientOptions.builder()
                    .tlsMode(TlsMode.NONE).debugLevel(2).build())) {
                pop.login("bob@example.com", null, tokens, Pop3Client.AUTO);
                assertTrue(pop.isAuthenticated());
            }
            server.awaitScriptDone(DONE);
            assertEquals(List.of(false, true), refreshes);
            assertFalse(logs.text().contains(staleToken), "no token in the debug output");
            assertFalse(
                    logs.text().contains(b64("user=bob@example.com\u0001auth=Bearer " + staleToken + "\u0001\u0001")));
        }
    }

    @Test
    void oauthBearerAnswersTheErrorChallengeWithCtrlA() throws Exception {
        AccessTokenProvider tokens = (user, refresh) -> "tok";
        String initial = b64("n,a=bob,\u0001host=127.0.0.1\u0001port=%d\u0001auth=Bearer tok\u0001\u0001");
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().session(s -> s
                .greeting()
                .expect("CAPA").send(capa("XOAUTH2 OAUTHBEARER"))
                .expectLine("AUTH OAUTHBEARER <initial response>", l -> l.startsWith("AUTH OAUTHBEARER "))
                .send("+ " + b64("{\"status\":\"invalid_token\"}") + "\r\n")
                .expect(b64("\u0001")).send("-ERR [AUTH] nope\r\n")
                .expectLine("AUTH OAUTHBEARER <retry>", l -> l.startsWith("AUTH OAUTHBEARER "))
                .send("-ERR [AUTH] still nope\r\n")).start()) {
            try (Pop3Client pop = connect(server)) {
                Pop3ErrorResponseException e = assertThrows(Pop3ErrorResponseException.class,
                        () -> pop.login("bob", null, tokens, "auto"));
                assertTrue(e.hasCode(ResponseCode.AUTH));
            }
            server.awaitScriptDone(DONE);
            String first = server.receivedText().split("\r\n")[1];
            assertEquals("AUTH OAUTHBEARER " + String.format(new String(Base64.getDecoder().decode(initial),
                    StandardCharsets.UTF_8), server.port()).transform(Pop3ClientSaslTest::b64), first);
        }
    }

    @Test
    void anUnknownMechanismIsRefusedBeforeAnythingIsSent() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("PLAIN")))) {
            try (Pop3Client pop = connect(server)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> pop.login("bob", "pw", null, "GSSAPI"));
                assertTrue(e.getMessage().contains("GSSAPI"), e.getMessage());
            }
            assertEquals("CAPA\r\n", server.receivedText());
        }
    }

    @Test
    void withoutSaslAPasswordGoesAsUserPassOrApop() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .send("+OK ready <42.1@host>\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                .expectLine("APOP bob <digest>", l -> l.matches("APOP bob [0-9a-f]{32}")).send("+OK\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n"))) {
            try (Pop3Client pop = connect(server)) {
                pop.login("bob", "pw"); // APOP keeps the password off the wire
            }
            server.awaitScriptDone(DONE);
        }
    }
}
