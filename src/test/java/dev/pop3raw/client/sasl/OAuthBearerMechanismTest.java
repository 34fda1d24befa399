package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class OAuthBearerMechanismTest {

    private static final AccessTokenProvider TOKEN = (user, force) -> "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
    private static final byte[] ERROR_JSON = "{\"status\":\"invalid_token\",\"scope\":\"example_scope\"}"
            .getBytes(StandardCharsets.UTF_8);

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void rfc7628MessageWithHostAndPort() throws IOException {
        OAuthBearerMechanism m = new OAuthBearerMechanism("user@example.com", TOKEN, "server.example.com", 143, false);
        assertEquals("OAUTHBEARER", m.name());
        assertEquals("n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001"
                + "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001",
                str(m.initialResponse()));
        assertTrue(m.sendsReusableSecret());
    }

    @Test
    void leavesOutUnknownHostAndPort() throws IOException {
        OAuthBearerMechanism m = new OAuthBearerMechanism("u", TOKEN, null, 0, false);
        assertEquals("n,a=u,\u0001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001",
                str(m.initialResponse()));
    }

    @Test
    void escapesCommaAndEqualsInTheAuthzid() throws IOException {
        OAuthBearerMechanism m = new OAuthBearerMechanism("a,b=c", TOKEN, null, 0, false);
        assertTrue(str(m.initialResponse()).startsWith("n,a=a=2Cb=3Dc,\u0001"));
    }

    @Test
    void errorChallengeIsAnsweredWithCtrlAAndMarksFailure() throws IOException {
        OAuthBearerMechanism m = new OAuthBearerMechanism("u", TOKEN, "h", 110, false);
        m.initialResponse();
        assertFalse(m.failed());
        assertArrayEquals(new byte[]{0x01}, m.evaluateChallenge(ERROR_JSON));
        assertTrue(m.failed());
        assertTrue(m.serverError().contains("invalid_token"));
        assertThrows(IOException.class, () -> m.evaluateChallenge(ERROR_JSON));
    }

    @Test
    void emptyFirstChallengeGetsTheMessageWhenTheInitialResponseWasWithheld() throws IOException {
        OAuthBearerMechanism m = new OAuthBearerMechanism("u", TOKEN, null, 0, false);
        byte[] ir = m.initialResponse();
        assertArrayEquals(ir, m.evaluateChallenge(new byte[0]));
        assertFalse(m.failed());
        assertArrayEquals(new byte[]{0x01}, m.evaluateChallenge(ERROR_JSON));
        assertTrue(m.failed());
    }

    @Test
    void rejectsControlCharactersInUserAndHostAndBadPorts() {
        assertThrows(IllegalArgumentException.class, () -> new OAuthBearerMechanism("u\u0001", TOKEN, null, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> new OAuthBearerMechanism("u", TOKEN, "h\u0001port=1", 0, false));
        assertThrows(IllegalArgumentException.class, () -> new OAuthBearerMechanism("u", TOKEN, "h", 70000, false));
    }
}
