package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LoginMechanismTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void hasNoInitialResponse() {
        LoginMechanism m = new LoginMechanism("alice", "wonderland");
        assertEquals("LOGIN", m.name());
        assertNull(m.initialResponse());
    }

    @Test
    void answersUsernameThenPasswordPrompts() throws IOException {
        LoginMechanism m = new LoginMechanism("alice", "wonderland");
        assertArrayEquals(ascii("alice"), m.evaluateChallenge(ascii("Username:")));
        assertArrayEquals(ascii("wonderland"), m.evaluateChallenge(ascii("Password:")));
    }

    @Test
    void decidesByOrderNotByPromptText() throws IOException {
        // Some servers send empty, localised or swapped-looking prompts; only the order counts.
        LoginMechanism m = new LoginMechanism("alice", "wonderland");
        assertArrayEquals(ascii("alice"), m.evaluateChallenge(ascii("Password:")));
        assertArrayEquals(ascii("wonderland"), m.evaluateChallenge(new byte[0]));
    }

    @Test
    void rejectsAThirdChallenge() throws IOException {
        LoginMechanism m = new LoginMechanism("alice", "wonderland");
        m.evaluateChallenge(ascii("Username:"));
        m.evaluateChallenge(ascii("Password:"));
        IOException e = assertThrows(IOException.class, () -> m.evaluateChallenge(ascii("Again:")));
        assertFalse(e.getMessage().contains("wonderland"));
    }

    @Test
    void sendsAReusableSecret() {
        assertTrue(new LoginMechanism("a", "b").sendsReusableSecret());
    }
}
