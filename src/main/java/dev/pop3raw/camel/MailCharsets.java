package dev.pop3raw.camel;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Charset labels as real mail uses them, and the octets of header fields that carry no label. Mailers label text
 * with the name of a smaller charset than the one they wrote in (Outlook's {@code ks_c_5601-1987} is Windows code
 * page 949, {@code gb2312} mail holds GBK characters, Windows' {@code iso-8859-1} holds smart quotes in
 * 0x80-0x9F): the labels below are read as the WHATWG Encoding Standard reads them, which is what mail readers and
 * browsers do. A label Java does not know gives null: the caller leaves the text as written.
 */
final class MailCharsets {

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Lower-case label to the charset that decodes what mailers really write under it. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            // GBK is a superset of GB2312 and GB18030 a superset of GBK
            Map.entry("gb2312", "GB18030"), Map.entry("csgb2312", "GB18030"), Map.entry("chinese", "GB18030"),
            Map.entry("gbk", "GB18030"), Map.entry("x-gbk", "GB18030"),
            // Java reads ks_c_5601-1987 as EUC-KR, and cp949 as IBM's 949, not Windows' (x-windows-949)
            Map.entry("ks_c_5601-1987", "x-windows-949"), Map.entry("ks_c_5601-1989", "x-windows-949"),
            Map.entry("ksc_5601", "x-windows-949"), Map.entry("ksc5601", "x-windows-949"),
            Map.entry("euc-kr", "x-windows-949"), Map.entry("cp949", "x-windows-949"),
            Map.entry("windows-949", "x-windows-949"),
            // the -i and -e suffixes say how the text is laid out (RFC 1556), not which octets mean what
            Map.entry("iso-8859-8-i", "ISO-8859-8"), Map.entry("iso-8859-8-e", "ISO-8859-8"),
            Map.entry("iso-8859-6-i", "ISO-8859-6"), Map.entry("iso-8859-6-e", "ISO-8859-6"),
            Map.entry("shift_jis", "windows-31j"), Map.entry("sjis", "windows-31j"),
            Map.entry("big5", "Big5-HKSCS"), Map.entry("tis-620", "x-windows-874"),
            Map.entry("iso-8859-11", "x-windows-874"), Map.entry("iso-8859-9", "windows-1254"));

    /** What the octets 0x80-0x9F mean in windows-1252; its five unassigned octets keep their ISO-8859-1 meaning. */
    private static final char[] WINDOWS_1252_HIGH = windows1252High();

    private MailCharsets() {
    }

    /**
     * The charset a label (of an encoded-word or an RFC 2231 parameter) stands for, or null when Java knows no such
     * charset. Labels for ISO-8859-1 and US-ASCII give windows-1252 (see {@link #decode}).
     */
    static Charset forLabel(String label) {
        String name = label.toLowerCase(Locale.ROOT);
        String alias = ALIASES.get(name);
        try {
            Charset charset = Charset.forName(alias != null ? alias : name);
            return charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII)
                    ? WINDOWS_1252
                    : charset;
        } catch (RuntimeException e) { // unknown, illegal name, or a charset the JVM lacks
            return null;
        }
    }

    /**
     * The text of {@code bytes} in {@code charset}. windows-1252 is decoded so that no octet is lost: the five octets
     * it leaves unassigned become the ISO-8859-1 characters of the same value instead of U+FFFD.
     */
    static String decode(byte[] bytes, Charset charset) {
        return charset.equals(WINDOWS_1252) ? windows1252(bytes) : new String(bytes, charset);
    }

    /**
     * Header octets without a charset label: UTF-8 when they are valid UTF-8 (RFC 6532), otherwise windows-1252 (the
     * charset of most legacy 8-bit mail; it is ISO-8859-1 but for 0x80-0x9F, where ISO-8859-1 has control characters no
     * mail means), losslessly as in {@link #decode}.
     */
    static String raw(byte[] bytes) {
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.ISO_8859_1); // the common case: no decoder needed
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return windows1252(bytes);
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String windows1252(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            chars[i] = b >= 0x80 && b < 0xA0 ? WINDOWS_1252_HIGH[b - 0x80] : (char) b;
        }
        return new String(chars);
    }

    private static char[] windows1252High() {
        char[] high = new char[0x20];
        for (int b = 0x80; b < 0xA0; b++) {
            char c = new String(new byte[]{(byte) b}, WINDOWS_1252).charAt(0);
            high[b - 0x80] = c == '\uFFFD' ? (char) b : c;
        }
        return high;
    }
}
