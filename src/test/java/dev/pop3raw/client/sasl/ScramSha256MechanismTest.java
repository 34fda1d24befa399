package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ScramSha256MechanismTest {

    // RFC 7677 section 3
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ScramSha256Mechanism rfcExample() {
        return new ScramSha256Mechanism("user", "pencil", CLIENT_NONCE);
    }

    @Test
    void rfc7677ExampleFullExchange() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        assertEquals("SCRAM-SHA-256", m.name());
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", str(m.initialResponse()));
        assertEquals(CLIENT_FINAL, str(m.evaluateChallenge(utf8(SERVER_FIRST))));
        assertFalse(m.isComplete(), "not complete before the server proved itself");
        assertArrayEquals(new byte[0], m.evaluateChallenge(utf8(SERVER_FINAL)));
        assertTrue(m.isComplete());
        assertFalse(m.failed());
        assertFalse(m.sendsReusableSecret());
    }

    @Test
    void tamperedServerSignatureFails() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        m.initialResponse();
        m.evaluateChallenge(utf8(SERVER_FIRST));
        // Same length, one base64 character changed.
        String tampered = SERVER_FINAL.replace("6rri", "6rrj");
        assertNotEquals(SERVER_FINAL, tampered);
        IOException e = assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(tampered)));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        assertFalse(e.getMessage().contains("pencil"));
        assertFalse(m.isComplete());
    }

    @Test
    void wrongPasswordOnTheClientMeansTheRealServerSignatureDoesNotVerify() throws IOException {
        ScramSha256Mechanism m = new ScramSha256Mechanism("user", "pencil2", CLIENT_NONCE);
        m.initialResponse();
        assertNotEquals(CLIENT_FINAL, str(m.evaluateChallenge(utf8(SERVER_FIRST))));
        assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(SERVER_FINAL)));
    }

    @Test
    void serverErrorIsReportedAsExceptionAndFailed() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        m.initialResponse();
        m.evaluateChallenge(utf8(SERVER_FIRST));
        IOException e = assertThrows(IOException.class, () -> m.evaluateChallenge(utf8("e=invalid-proof")));
        assertTrue(e.getMessage().contains("invalid-proof"), e.getMessage());
        assertTrue(m.failed());
        assertFalse(m.isComplete());
    }

    @Test
    void serverNonceMustExtendClientNonce() {
        ScramSha256Mechanism m = rfcExample();
        m.initialResponse();
        String foreign = SERVER_FIRST.replace("r=rOprNGfwEbeRWgbNEkqO", "r=XOprNGfwEbeRWgbNEkqO");
        assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(foreign)));

        ScramSha256Mechanism m2 = rfcExample();
        m2.initialResponse();
        String echoed = "r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        assertThrows(IOException.class, () -> m2.evaluateChallenge(utf8(echoed)),
                "the server must add its own part to the nonce");
    }

    @Test
    void iterationCountIsBounded() throws IOException {
        for (String i : new String[]{"0", "-1", "1000001", "99999999999", "x"}) {
            ScramSha256Mechanism m = rfcExample();
            m.initialResponse();
            String sf = SERVER_FIRST.replace("i=4096", "i=" + i);
            assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(sf)), "i=" + i);
        }
        ScramSha256Mechanism one = rfcExample();
        one.initialResponse();
        one.evaluateChallenge(utf8(SERVER_FIRST.replace("i=4096", "i=1")));
    }

    @Test
    void rejectsMalformedServerFirstAndMandatoryExtensions() {
        // (An empty challenge is not here: before anything was answered it asks for the client-first message.)
        for (String sf : new String[]{"garbage", "m=ext," + SERVER_FIRST,
                "r=rOprNGfwEbeRWgbNEkqOxx,s=!!notbase64!!,i=4096", "r=rOprNGfwEbeRWgbNEkqOxx,i=4096,s=W22Z"}) {
            ScramSha256Mechanism m = rfcExample();
            m.initialResponse();
            assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(sf)), sf);
        }
    }

    @Test
    void challengeAfterCompletionIsRejected() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        m.initialResponse();
        m.evaluateChallenge(utf8(SERVER_FIRST));
        m.evaluateChallenge(utf8(SERVER_FINAL));
        assertThrows(IOException.class, () -> m.evaluateChallenge(utf8(SERVER_FINAL)));
    }

    @Test
    void emptyFirstChallengeGetsTheClientFirstMessage() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", str(m.evaluateChallenge(new byte[0])));
        assertEquals(CLIENT_FINAL, str(m.evaluateChallenge(utf8(SERVER_FIRST))));
    }

    @Test
    void emptyServerFinalIsRejected() throws IOException {
        ScramSha256Mechanism m = rfcExample();
        m.initialResponse();
        m.evaluateChallenge(utf8(SERVER_FIRST));
        assertThrows(IOException.class, () -> m.evaluateChallenge(new byte[0]));
        assertFalse(m.isComplete());
    }

    @Test
    void escapesCommaAndEqualsInUsername() {
        ScramSha256Mechanism m = new ScramSha256Mechanism("a,b=c", "x", "abc");
        assertEquals("n,,n=a=2Cb=3Dc,r=abc", str(m.initialResponse()));
        assertEquals("=3D2C", ScramSha256Mechanism.escapeSaslName("=2C"), "= is escaped before ,");
    }

    @Test
    void saslPrepNormalisesPasswordWithNfkc() throws IOException {
        // U+2168 ROMAN NUMERAL NINE is "IX" after NFKC (RFC 4013 section 3 example); the soft hyphen is
        // mapped to nothing. Expected values from an independent Python hashlib computation for "IX".
        String serverFirst = "r=abcdef,s=c2FsdA==,i=1";
        String expected = "c=biws,r=abcdef,p=Rvd3z1uTwzMm28pIwvH8G2aaooSmD0gMDg64vcD3U+s=";
        for (String pw : new String[]{"IX", "\u2168", "I\u00adX"}) {
            ScramSha256Mechanism m = new ScramSha256Mechanism("a,b=c", pw, "abc");
            m.initialResponse();
            assertEquals(expected, str(m.evaluateChallenge(utf8(serverFirst))), "password variant " + pw);
            m.evaluateChallenge(utf8("v=HEoNwNYQi8KVyW3HzpSgT3QstgPkgsfa9bPiKC9QB7Q="));
            assertTrue(m.isComplete());
        }
    }

    @Test
    void saslPrepRejectsControlCharactersWithoutEchoingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScramSha256Mechanism("user", "hunter\u0007two", CLIENT_NONCE));
        assertFalse(e.getMessage().contains("hunter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScramSha256Mechanism("us\u0000er", "p", CLIENT_NONCE));
        assertThrows(IllegalArgumentException.class, () -> new ScramSha256Mechanism("user", "p\u0085", CLIENT_NONCE));
    }

    @Test
    void randomNoncesDifferBetweenInstances() {
        String a = str(new ScramSha256Mechanism("u", "p").initialResponse());
        String b = str(new ScramSha256Mechanism("u", "p").initialResponse());
        assertTrue(a.startsWith("n,,n=u,r="));
        assertNotEquals(a, b);
        assertFalse(a.substring("n,,n=u,r=".length()).contains(","));
    }
}
