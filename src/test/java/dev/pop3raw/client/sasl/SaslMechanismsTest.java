package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SaslMechanismsTest {

    private static final AccessTokenProvider TOKEN = (u, f) -> "tok";
    private static final SaslCredentials PASSWORD = SaslCredentials.ofPassword("alice", "s3cret");
    private static final SaslCredentials OAUTH = SaslCredentials.ofToken("alice", TOKEN);
    private static final SaslCredentials BOTH = SaslCredentials.builder("alice").password("s3cret").tokenProvider(TOKEN)
            .build();

    private static String strongest(SaslCredentials creds, String... offered) {
        return SaslMechanisms.strongestOffered(List.of(offered), creds).map(SaslMechanism::name).orElse("none");
    }

    @Test
    void listsSupportedNamesStrongestFirst() {
        assertEquals(List.of("OAUTHBEARER", "XOAUTH2", "SCRAM-SHA-256", "CRAM-SHA256", "CRAM-SHA1", "CRAM-MD5", "PLAIN",
                "LOGIN"),
                SaslMechanisms.supportedNames());
    }

    @Test
    void createsByCaseInsensitiveName() {
        assertInstanceOf(PlainMechanism.class, SaslMechanisms.create("plain", PASSWORD));
        assertInstanceOf(LoginMechanism.class, SaslMechanisms.create("Login", PASSWORD));
        assertInstanceOf(CramMd5Mechanism.class, SaslMechanisms.create("cram-md5", PASSWORD));
        assertEquals("CRAM-SHA1", SaslMechanisms.create("cram-sha1", PASSWORD).name());
        assertEquals("CRAM-SHA256", SaslMechanisms.create("Cram-Sha256", PASSWORD).name());
        assertInstanceOf(ScramSha256Mechanism.class, SaslMechanisms.create("scram-sha-256", PASSWORD));
        assertInstanceOf(XOAuth2Mechanism.class, SaslMechanisms.create("xoauth2", OAUTH));
        assertInstanceOf(OAuthBearerMechanism.class, SaslMechanisms.create("oauthBearer", OAUTH));
    }

    @Test
    void passesXoauth2TwoLineAndServerAddressThrough() throws Exception {
        SaslCredentials creds = OAUTH.toBuilder().xoauth2TwoLine(true).server("pop.example.com", 995).build();
        assertNull(SaslMechanisms.create("XOAUTH2", creds).initialResponse());
        String ob = new String(SaslMechanisms.create("OAUTHBEARER", creds).initialResponse(), "UTF-8");
        assertTrue(ob.contains("\u0001host=pop.example.com\u0001port=995\u0001"), ob);
    }

    @Test
    void forceTokenRefreshReachesTheProvider() throws Exception {
        boolean[] seen = new boolean[1];
        SaslCredentials creds = SaslCredentials.ofToken("u", (user, force) -> {
            seen[0] = force;
            return "t";
        });
        SaslMechanisms.create("XOAUTH2", creds, true).initialResponse();
        assertTrue(seen[0]);
    }

    @Test
    void unknownMechanismNamesItAndListsSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaslMechanisms.create("GSSAPI", PASSWORD));
        assertTrue(e.getMessage().contains("GSSAPI"), e.getMessage());
        for (String n : SaslMechanisms.supportedNames()) {
            assertTrue(e.getMessage().contains(n), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create(null, PASSWORD));
    }

    @Test
    void mechanismNeedingMissingSecretIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaslMechanisms.create("PLAIN", OAUTH));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("XOAUTH2", PASSWORD));
        assertTrue(e.getMessage().contains("token"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void strongestPasswordMechanism() {
        assertEquals("SCRAM-SHA-256", strongest(PASSWORD, "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"));
        assertEquals("CRAM-MD5", strongest(PASSWORD, "LOGIN", "PLAIN", "CRAM-MD5"));
        assertEquals("CRAM-SHA256", strongest(PASSWORD, "PLAIN", "LOGIN", "CRAM-MD5", "CRAM-SHA1", "CRAM-SHA256"),
                "Courier's list");
        assertEquals("CRAM-SHA1", strongest(PASSWORD, "CRAM-MD5", "CRAM-SHA1"));
        assertEquals("PLAIN", strongest(PASSWORD, "LOGIN", "PLAIN"));
        assertEquals("LOGIN", strongest(PASSWORD, "LOGIN"));
        assertEquals("SCRAM-SHA-256", strongest(PASSWORD, "scram-sha-256", "plain"), "server names in any case");
    }

    @Test
    void strongestTokenMechanism() {
        assertEquals("OAUTHBEARER", strongest(OAUTH, "XOAUTH2", "OAUTHBEARER", "PLAIN"));
        assertEquals("XOAUTH2", strongest(OAUTH, "PLAIN", "XOAUTH2"));
        assertEquals("none", strongest(OAUTH, "PLAIN", "SCRAM-SHA-256"), "no password, so no password mechanism");
    }

    @Test
    void tokenWinsOverPasswordWhenBothAreConfigured() {
        assertEquals("XOAUTH2", strongest(BOTH, "SCRAM-SHA-256", "XOAUTH2"));
        assertEquals("SCRAM-SHA-256", strongest(BOTH, "SCRAM-SHA-256", "PLAIN"));
    }

    @Test
    void nothingInCommon() {
        assertEquals(Optional.empty(), SaslMechanisms.strongestOffered(List.of("GSSAPI", "NTLM"), PASSWORD));
        assertEquals(Optional.empty(), SaslMechanisms.strongestOffered(List.of(), PASSWORD));
        assertEquals("none", strongest(PASSWORD, "XOAUTH2", "OAUTHBEARER"));
        assertEquals(Optional.of("PLAIN"), SaslMechanisms.strongestOfferedName(List.of("PLAIN"), PASSWORD));
    }
}
