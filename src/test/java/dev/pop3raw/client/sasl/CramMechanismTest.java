package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CRAM-MD5, CRAM-SHA1 and CRAM-SHA256: published HMAC vectors, and the JDK's Mac computed independently. */
class CramMechanismTest {

    private static final String CHALLENGE = "<1896.697170952@postoffice.reston.mci.net>"; // RFC 2195

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 2104/2202/4231 test case 2 (key "Jefe"): a CRAM answer is "user " + that HMAC in lower-case hex. */
    @ParameterizedTest
    @CsvSource({
            "CRAM-MD5,    750c783e6ab0b503eaa86e310a5db738",
            "CRAM-SHA1,   effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            "CRAM-SHA256, 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"})
    void publishedHmacVectors(String mechanism, String hmac) throws IOException {
        CramMechanism m = new CramMechanism(mechanism, "jefe", "Jefe");
        assertEquals(mechanism, m.name());
        assertNull(m.initialResponse(), "server-first");
        byte[] response = m.evaluateChallenge(utf8("what do ya want for nothing?"));
        assertEquals("jefe " + hmac, new String(response, StandardCharsets.US_ASCII));
    }

    /** RFC 2195's example, and the same exchange with SHA-1 and SHA-256, checked against javax.crypto.Mac. */
    @ParameterizedTest
    @CsvSource({"CRAM-MD5, HmacMD5", "cram-sha1, HmacSHA1", "Cram-Sha256, HmacSHA256"})
    void matchesTheJdkMac(String mechanism, String algorithm) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(utf8("tanstaaftanstaaf"), algorithm));
        String expected = "tim " + HexFormat.of().formatHex(mac.doFinal(utf8(CHALLENGE)));
        byte[] response = new CramMechanism(mechanism, "tim", "tanstaaftanstaaf").evaluateChallenge(utf8(CHALLENGE));
        assertEquals(expected, new String(response, StandardCharsets.US_ASCII));
        if (algorithm.equals("HmacMD5")) {
            assertEquals("tim b913a602c7eda7a495b4e6e7334d3890", expected, "RFC 2195's value");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"CRAM-MD5", "CRAM-SHA1", "CRAM-SHA256"})
    void rejectsEmptyAndSecondChallengesAndSendsNoReusableSecret(String mechanism) throws IOException {
        assertThrows(IOException.class, () -> new CramMechanism(mechanism, "u", "p").evaluateChallenge(new byte[0]));
        CramMechanism m = new CramMechanism(mechanism, "u", "p");
        assertFalse(m.sendsReusableSecret());
        m.evaluateChallenge(utf8("<1@x>"));
        assertThrows(IOException.class, () -> m.evaluateChallenge(utf8("<2@x>")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CRAM-SHA512", "SCRAM-SHA-1", ""})
    void onlyTheCramNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> new CramMechanism(name, "u", "p"));
    }
}
