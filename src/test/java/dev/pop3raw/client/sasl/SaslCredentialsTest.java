package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SaslCredentialsTest {

    private static final AccessTokenProvider TOKEN = (u, f) -> "t";

    @Test
    void passwordCredentials() {
        SaslCredentials c = SaslCredentials.ofPassword("alice", "pw");
        assertEquals("alice", c.username());
        assertEquals("pw", c.password());
        assertTrue(c.hasPassword());
        assertFalse(c.hasTokenProvider());
        assertNull(c.host());
        assertEquals(0, c.port());
        assertFalse(c.xoauth2TwoLine());
    }

    @Test
    void tokenCredentialsWithServer() {
        SaslCredentials c = SaslCredentials.ofToken("bob", TOKEN).toBuilder().server("pop.example.com", 995)
                .xoauth2TwoLine(true).build();
        assertTrue(c.hasTokenProvider());
        assertFalse(c.hasPassword());
        assertEquals("pop.example.com", c.host());
        assertEquals(995, c.port());
        assertTrue(c.xoauth2TwoLine());
    }

    @Test
    void needsUserAndAtLeastOneSecret() {
        assertThrows(NullPointerException.class, () -> SaslCredentials.ofPassword(null, "pw"));
        assertThrows(IllegalArgumentException.class, () -> SaslCredentials.builder("alice").build());
    }

    @Test
    void rejectsBadServerAddress() {
        assertThrows(IllegalArgumentException.class, () -> SaslCredentials.builder("a").server("h", -1));
        assertThrows(IllegalArgumentException.class, () -> SaslCredentials.builder("a").server("h", 65536));
        assertThrows(IllegalArgumentException.class, () -> SaslCredentials.builder("a").server("h\r\n", 110));
    }

    @Test
    void isAValueButDerivedCopiesDoNotChangeTheOriginal() {
        SaslCredentials a = SaslCredentials.ofPassword("alice", "pw");
        assertEquals(a, SaslCredentials.ofPassword("alice", "pw"));
        assertEquals(a.hashCode(), SaslCredentials.ofPassword("alice", "pw").hashCode());
        assertNotEquals(a, SaslCredentials.ofPassword("alice", "other"));
        SaslCredentials b = a.toBuilder().server("h", 110).build();
        assertNotEquals(a, b);
        assertNull(a.host());
    }
}
