package dev.pop3raw.client.sasl;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013), the string preparation SCRAM applies to user names and passwords, so that a
 * password typed as composed or decomposed Unicode (or with a full-width digit) hashes the same on client
 * and server.
 * <p>
 * Implemented: mapping (non-ASCII spaces to SPACE, "commonly mapped to nothing" removed), NFKC, the
 * prohibited-output tables C.2.1 to C.9 and the bidirectional rules of RFC 3454 section 6. Not implemented:
 * the unassigned-code-point check, which RFC 4013 only requires for stored strings (a client prepares
 * queries). Java's Unicode tables are newer than RFC 3454's Unicode 3.2; for assigned characters of the old
 * version the results agree.
 */
final class SaslPrep {

    private SaslPrep() {
    }

    /**
     * @param  what                     names the string in error messages ("password"), never its content
     * @throws IllegalArgumentException when the prepared string contains a prohibited character or breaks the
     *                                  bidi rules; the message names the rule, not the character, because the
     *                                  input may be a secret
     */
    static String prepare(String input, String what) {
        StringBuilder mapped = new StringBuilder(input.length());
        for (int i = 0; i < input.length();) {
            int cp = input.codePointAt(i);
            i += Character.charCount(cp);
            // B.1 first (as common implementations do): U+200B is in both B.1 and C.1.2.
            if (mappedToNothing(cp)) {
                continue;
            }
            if (nonAsciiSpace(cp)) {
                mapped.append(' ');
            } else {
                mapped.appendCodePoint(cp);
            }
        }
        String out = Normalizer.normalize(mapped, Normalizer.Form.NFKC);

        boolean hasRandAL = false;
        boolean hasL = false;
        for (int i = 0; i < out.length();) {
            int cp = out.codePointAt(i);
            i += Character.charCount(cp);
            String rule = prohibited(cp);
            if (rule != null) {
                throw new IllegalArgumentException(what + " is not allowed by SASLprep: it contains " + rule);
            }
            byte dir = Character.getDirectionality(cp);
            hasRandAL |= isRandAL(dir);
            hasL |= dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (hasRandAL) {
            // RFC 3454 section 6: right-to-left text must not mix in left-to-right characters and must
            // start and end with a right-to-left character, else its display order is ambiguous.
            if (hasL || !isRandAL(Character.getDirectionality(out.codePointAt(0)))
                    || !isRandAL(Character.getDirectionality(out.codePointBefore(out.length())))) {
                throw new IllegalArgumentException(
                        what + " is not allowed by SASLprep: it breaks the bidirectional text rules");
            }
        }
        return out;
    }

    private static boolean isRandAL(byte dir) {
        return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean nonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** The RFC 4013 section 2.3 tables (C.1.2 is mapped away before this runs); null when allowed. */
    private static String prohibited(int cp) {
        if (cp < 0x20 || cp == 0x7F) {
            return "an ASCII control character"; // C.2.1
        }
        if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F || cp == 0x180E || cp == 0x200C
                || cp == 0x200D || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2063)
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A)) {
            return "a non-ASCII control character"; // C.2.2
        }
        if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) || (cp >= 0x100000 && cp <= 0x10FFFD)) {
            return "a private-use character"; // C.3
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return "a non-character code point"; // C.4
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return "an unpaired surrogate"; // C.5
        }
        if (cp >= 0xFFF9 && cp <= 0xFFFD) {
            return "a character inappropriate for plain text"; // C.6
        }
        if (cp >= 0x2FF0 && cp <= 0x2FFB) {
            return "an ideographic description character"; // C.7
        }
        if (cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)) {
            return "a display-changing character"; // C.8 (206A-206F already caught as C.2.2)
        }
        if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) {
            return "a tagging character"; // C.9
        }
        return null;
    }
}
