package dev.pop3raw.client.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** RFC 4013 section 3 examples plus the prohibited tables this client enforces. */
class SaslPrepTest {

    private static String prep(String s) {
        return SaslPrep.prepare(s, "test string");
    }

    @Test
    void rfc4013Examples() {
        assertEquals("IX", prep("I\u00adX"), "soft hyphen mapped to nothing");
        assertEquals("user", prep("user"), "no transformation");
        assertEquals("USER", prep("USER"), "case preserved");
        assertEquals("a", prep("\u00aa"), "NFKC: feminine ordinal indicator");
        assertEquals("IX", prep("\u2168"), "NFKC: roman numeral nine");
        assertThrows(IllegalArgumentException.class, () -> prep("\u0007"), "prohibited control");
        assertThrows(IllegalArgumentException.class, () -> prep("\u0627\u0031"), "bidi: RandAL must end the string");
    }

    @Test
    void mapsNonAsciiSpacesToSpace() {
        assertEquals("a b", prep("a\u00a0b"));
        assertEquals("a b", prep("a\u3000b"));
    }

    @Test
    void composesDecomposedCharacters() {
        assertEquals("\u00e9", prep("e\u0301"));
    }

    @Test
    void prohibitsControlPrivateUseSurrogatesAndDirectionMarks() {
        for (String bad : new String[]{"a\nb", "a\u007f", "a\u0085", "a\ue000", "a\ud800", "a\u200e", "a\ufffd",
                "a\ufdd0", "a\u2ff0", "a" + new String(Character.toChars(0xE0041))}) {
            assertThrows(IllegalArgumentException.class, () -> prep(bad), bad);
        }
    }

    @Test
    void acceptsPureRightToLeftText() {
        assertEquals("\u0627\u0628", prep("\u0627\u0628"));
        assertThrows(IllegalArgumentException.class, () -> prep("\u0627a\u0628"), "mixed with L");
    }
}
