package dev.pop3raw.client;

/**
 * Server text made safe to put in an exception message or a log line: control and non-ASCII characters are
 * escaped (a hostile server must not be able to write terminal escapes into a log) and the length is bounded.
 */
final class Printable {

    private static final int MAX_CHARS = 100;

    private Printable() {
    }

    /** {@code text} in double quotes, escaped, at most about 100 characters of it. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8).append('"');
        int n = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
                b.append(c);
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x100) {
                b.append(String.format("\\x%02X", (int) c));
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        if (text.length() > n) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    /** One character for people: {@code a space}, {@code the octet 0x01}, {@code the character U+00E9}. */
    static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        return c < 0x80 ? String.format("the octet 0x%02X", (int) c) : String.format("the character U+%04X", (int) c);
    }
}
