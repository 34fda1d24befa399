package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class XOAuth2MechanismTest {

    private static final String EXPECTED = "user=someuser@example.com\u0001auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\u0001\u0001";
    private static final byte[] ERROR_JSON = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final List<Boolean> refreshRequests = new ArrayList<>();
    private final AccessTokenProvider provider = (user, force) -> {
        refreshRequests.add(force);
        return "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
    };

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void oneLineFormSendsTheTokenAsInitialResponse() throws IOException {
        XOAuth2Mechanism m = new XOAuth2Mechanism("someuser@example.com", provider, false, false);
        assertEquals("XOAUTH2", m.name());
        assertEquals(EXPECTED, str(m.initialResponse()));
        assertEquals(List.of(false), refreshRequests, "one token request, no forced refresh");
        assertTrue(m.sendsReusableSecret());
    }

    @Test
    void twoLineFormSendsTheTokenInAnswerToTheEmptyChallenge() throws IOException {
        XOAuth2Mechanism m = new XOAuth2Mechanism("someuser@example.com", provider, true, false);
        assertNull(m.initialResponse());
        assertTrue(refreshRequests.isEmpty(), "no token fetched before it is needed");
        assertEquals(EXPECTED, str(m.evaluateChallenge(new byte[0])));
        assertFalse(m.failed());
    }

    @Test
    void errorChallengeAfterTheTokenIsAnsweredWithAnEmptyResponse() throws IOException {
        XOAuth2Mechanism m = new XOAuth2Mechanism("someuser@example.com", provider, false, false);
        m.initialResponse();
        assertArrayEquals(new byte[0], m.evaluateChallenge(ERROR_JSON));
        assertTrue(m.failed());
        assertTrue(m.serverError().contains("\"status\":\"401\""));
        assertThrows(IOException.class, () -> m.evaluateChallenge(ERROR_JSON));
    }

    @Test
    void errorChallengeInTheTwoLineForm() throws IOException {
        XOAuth2Mechanism m = new XOAuth2Mechanism("someuser@example.com", provider, true, false);
        assertNull(m.initialResponse());
        m.evaluateChallenge(new byte[0]);
        assertArrayEquals(new byte[0], m.evaluateChallenge(ERROR_JSON));
        assertTrue(m.failed());
    }

    @Test
    void emptyChallengeAfterAWithheldInitialResponseGetsTheToken() throws IOException {
        // The caller computed the initial response, found it longer than 255 octets and waited for "+".
        XOAuth2Mechanism m = new XOAuth2Mechanism("someuser@example.com", provider, false, false);
        m.initialResponse();
        assertEquals(EXPECTED, str(m.evaluateChallenge(new byte[0])));
        assertFalse(m.failed());
        assertEquals(1, refreshRequests.size(), "the token is fetched once per exchange");
    }

    @Test
    void forceRefreshIsPassedToTheProvider() throws IOException {
        new XOAuth2Mechanism("u", provider, false, true).initialResponse();
        assertEquals(List.of(true), refreshRequests);
    }

    @Test
    void refusesTokensThatWouldBreakTheFramingWithoutEchoingThem() {
        for (String bad : new String[]{"secret\u0001user=admin", "secret token", "secret\r\n", ""}) {
            XOAuth2Mechanism m = new XOAuth2Mechanism("u", (user, force) -> bad, false, false);
            IOException e = assertThrows(IOException.class, m::initialResponse, bad);
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
        assertThrows(IOException.class,
                () -> new XOAuth2Mechanism("u", (user, force) -> null, false, false).initialResponse());
        assertThrows(IllegalArgumentException.class, () -> new XOAuth2Mechanism("u\u0001", provider, false, false));
    }
}
