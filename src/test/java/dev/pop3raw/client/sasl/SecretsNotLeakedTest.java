package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Passwords and tokens must never appear in {@code toString()} or in any exception message, since both end
 * up in logs.
 */
class SecretsNotLeakedTest {

    private static final String PASSWORD = "Pa55-w0rd-XYZZY";
    private static final String TOKEN = "ya29.TOKEN-PLUGH";
    private static final AccessTokenProvider PROVIDER = new AccessTokenProvider() {
        @Override
        public String accessToken(String username, boolean forceRefresh) {
            return TOKEN;
        }

        @Override
        public String toString() {
            return "provider holding " + TOKEN; // a careless provider: credentials must not print it
        }
    };

    private static void assertNoSecret(String text) {
        assertFalse(text.contains("XYZZY"), "password leaked: " + text);
        assertFalse(text.contains("PLUGH"), "token leaked: " + text);
    }

    @Test
    void credentialsToStringShowsUserButNoSecrets() {
        SaslCredentials c = SaslCredentials.builder("alice").password(PASSWORD).tokenProvider(PROVIDER)
                .server("pop.example.com", 995).build();
        String s = c.toString();
        assertNoSecret(s);
        assertTrue(s.contains("alice") && s.contains("pop.example.com"), s);
        // nothing derived from the secrets either (a hash, a length, a prefix): other secrets, the same text
        AccessTokenProvider otherProvider = (u, f) -> "other-token";
        SaslCredentials other = SaslCredentials.builder("alice").password("a-different-password")
                .tokenProvider(otherProvider).server("pop.example.com", 995).build();
        assertEquals(s, other.toString(), "toString depends on the secrets");
    }

    @Test
    void exceptionMessagesNeverContainSecrets() throws IOException {
        List<Throwable> errors = new ArrayList<>();
        SaslCredentials pw = SaslCredentials.ofPassword("alice", PASSWORD);
        SaslCredentials tok = SaslCredentials.ofToken("alice", PROVIDER);

        errors.add(assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("NTLM", pw)));
        errors.add(assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("XOAUTH2", pw)));
        errors.add(assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("PLAIN", tok)));
        errors.add(assertThrows(IllegalArgumentException.class, () -> new PlainMechanism("a", PASSWORD + "\0")));
        errors.add(
                assertThrows(IllegalArgumentException.class, () -> new ScramSha256Mechanism("a", PASSWORD + "\u0007")));
        errors.add(
                assertThrows(IllegalArgumentException.class, () -> new ScramSha256Mechanism("a", PASSWORD + "\ue000")));

        SaslMechanism login = SaslMechanisms.create("LOGIN", pw);
        login.evaluateChallenge(new byte[0]);
        login.evaluateChallenge(new byte[0]);
        errors.add(assertThrows(IOException.class, () -> login.evaluateChallenge(new byte[0])));

        SaslMechanism cram = SaslMechanisms.create("CRAM-MD5", pw);
        errors.add(assertThrows(IOException.class, () -> cram.evaluateChallenge(new byte[0])));

        ScramSha256Mechanism scram = new ScramSha256Mechanism("alice", PASSWORD, "nonce");
        scram.initialResponse();
        scram.evaluateChallenge("r=nonceSERVER,s=c2FsdA==,i=1".getBytes(StandardCharsets.US_ASCII));
        errors.add(assertThrows(IOException.class,
                () -> scram.evaluateChallenge(
                        "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes(StandardCharsets.US_ASCII))));

        for (String bad : new String[]{TOKEN + " x", TOKEN + "\u0001"}) {
            SaslMechanism ob = new OAuthBearerMechanism("alice", (u, f) -> bad, null, 0, false);
            errors.add(assertThrows(IOException.class, ob::initialResponse));
        }

        for (Throwable t : errors) {
            assertNoSecret(String.valueOf(t.getMessage()));
            assertNoSecret(t.toString());
        }
    }
}
