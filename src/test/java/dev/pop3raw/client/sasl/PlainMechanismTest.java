package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PlainMechanismTest {

    @Test
    void initialResponseIsEmptyAuthzidNulUserNulPassword() {
        PlainMechanism m = new PlainMechanism("tim", "tanstaaf");
        assertEquals("PLAIN", m.name());
        assertArrayEquals(new byte[]{0, 't', 'i', 'm', 0, 't', 'a', 'n', 's', 't', 'a', 'a', 'f'},
                m.initialResponse());
    }

    @Test
    void encodesNonAsciiAsUtf8() {
        byte[] r = new PlainMechanism("j\u00fcrgen", "p\u00e4ss").initialResponse();
        assertArrayEquals("\0j\u00fcrgen\0p\u00e4ss".getBytes(StandardCharsets.UTF_8), r);
        assertEquals(1 + 7 + 1 + 5, r.length, "each umlaut is two UTF-8 octets");
    }

    @Test
    void answersTheEmptyChallengeWhenTheInitialResponseWasWithheldAndOnlyOnce() throws IOException {
        PlainMechanism m = new PlainMechanism("u", "p");
        assertArrayEquals("\0u\0p".getBytes(StandardCharsets.US_ASCII), m.evaluateChallenge(new byte[0]));
        assertThrows(IOException.class, () -> m.evaluateChallenge(new byte[0]));
    }

    @Test
    void rejectsNulInUserOrPasswordWithoutEchoingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PlainMechanism("u", "sec\0ret"));
        assertFalse(e.getMessage().contains("sec"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PlainMechanism("u\0admin", "p"));
    }

    @Test
    void sendsAReusableSecretAndHasNoServerProof() {
        PlainMechanism m = new PlainMechanism("u", "p");
        assertTrue(m.sendsReusableSecret());
        assertTrue(m.isComplete());
        assertFalse(m.failed());
    }
}
