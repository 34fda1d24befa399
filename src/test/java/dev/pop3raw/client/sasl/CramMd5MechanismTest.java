package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CramMd5MechanismTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void rfc2195Example() throws IOException {
        CramMd5Mechanism m = new CramMd5Mechanism("tim", "tanstaaftanstaaf");
        assertEquals("CRAM-MD5", m.name());
        assertNull(m.initialResponse(), "CRAM-MD5 is server-first");
        byte[] response = m.evaluateChallenge(ascii("<1896.697170952@postoffice.reston.mci.net>"));
        assertEquals("tim b913a602c7eda7a495b4e6e7334d3890", new String(response, StandardCharsets.US_ASCII));
    }

    @Test
    void differentChallengeGivesDifferentDigest() throws IOException {
        byte[] response = new CramMd5Mechanism("tim", "tanstaaftanstaaf")
                .evaluateChallenge(ascii("<1897.697170952@postoffice.reston.mci.net>"));
        assertFalse(new String(response, StandardCharsets.US_ASCII).endsWith("b913a602c7eda7a495b4e6e7334d3890"));
    }

    @Test
    void emptyPasswordStillFollowsHmacRatherThanCrashing() throws IOException {
        // HMAC-MD5 with the empty key over "abc" (checked with Python's hmac module).
        byte[] response = new CramMd5Mechanism("u", "").evaluateChallenge(ascii("abc"));
        assertEquals("u dd2701993d29fdd0b032c233cec63403", new String(response, StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsEmptyAndSecondChallenges() throws IOException {
        assertThrows(IOException.class, () -> new CramMd5Mechanism("u", "p").evaluateChallenge(new byte[0]));
        CramMd5Mechanism m = new CramMd5Mechanism("u", "p");
        m.evaluateChallenge(ascii("<1@x>"));
        assertThrows(IOException.class, () -> m.evaluateChallenge(ascii("<2@x>")));
    }

    @Test
    void doesNotSendAReusableSecret() {
        assertFalse(new CramMd5Mechanism("u", "p").sendsReusableSecret());
    }
}
