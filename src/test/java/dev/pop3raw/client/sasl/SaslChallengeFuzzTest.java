package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * (d) Fuzz target for SASL challenge handling: every mechanism, fed any sequence of server challenges, either
 * answers or throws an {@link IOException} whose message (and causes' messages) never contain the password or
 * the token. Any other exception is a crash. Seeds: {@code src/test/resources/dev/pop3raw/client/sasl/
 * SaslChallengeFuzzTestInputs/challenges/}.
 */
class SaslChallengeFuzzTest {

    private static final String PASSWORD = "Pa55-w0rd-XYZZY";
    private static final String TOKEN = "ya29.TOKEN-PLUGH";
    /** The RFC 7677 example client nonce, so that fuzzed server-first messages can extend it. */
    private static final String NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String[] NAMES = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2", "XOAUTH2-TWO-LINE",
            "OAUTHBEARER"};

    /**
     * Input: byte 0 picks the mechanism, byte 1 (odd) says whether the initial response was sent; the rest are
     * up to 4 challenges separated by LF (a challenge of just {@code ~} is passed as null).
     */
    @FuzzTest(maxDuration = "10s")
    void challenges(byte[] input) {
        if (input.length < 2) {
            return;
        }
        String name = NAMES[(input[0] & 0xFF) % NAMES.length];
        boolean sendInitial = (input[1] & 1) == 1;
        List<byte[]> challenges = new ArrayList<>();
        int from = 2;
        for (int i = 2; i <= input.length && challenges.size() < 4; i++) {
            if (i == input.length || input[i] == '\n') {
                challenges.add(Arrays.copyOfRange(input, from, i));
                from = i + 1;
            }
        }
        SaslMechanism mechanism = create(name);
        try {
            if (sendInitial) {
                mechanism.initialResponse();
            }
            for (byte[] c : challenges) {
                byte[] challenge = c.length == 1 && c[0] == '~' ? null : c;
                byte[] response = mechanism.evaluateChallenge(challenge);
                assertTrue(response != null, name + " answered null");
                mechanism.failed();
                mechanism.isComplete();
            }
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String message = String.valueOf(t.getMessage());
                // server text may be quoted, so a secret counts only if the server did not send those letters itself
                String sent = new String(input, StandardCharsets.ISO_8859_1);
                assertFalse(message.contains("XYZZY") && !sent.contains("XYZZY"),
                        "password in an exception message: " + message);
                assertFalse(message.contains("PLUGH") && !sent.contains("PLUGH"),
                        "token in an exception message: " + message);
            }
        }
    }

    private static SaslMechanism create(String name) {
        AccessTokenProvider tokens = (user, refresh) -> TOKEN;
        switch (name) {
            case "SCRAM-SHA-256" :
                return new ScramSha256Mechanism("user", PASSWORD, NONCE);
            case "XOAUTH2" :
                return new XOAuth2Mechanism("user", tokens, false, false);
            case "XOAUTH2-TWO-LINE" :
                return new XOAuth2Mechanism("user", tokens, true, false);
            case "OAUTHBEARER" :
                return new OAuthBearerMechanism("user", tokens, "pop.example.com", 995, false);
            default :
                return SaslMechanisms.create(name, SaslCredentials.ofPassword("user", PASSWORD));
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
