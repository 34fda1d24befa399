package dev.pop3raw.client;

/** Reading of {@code +OK} / {@code -ERR} status lines. */
final class StatusLine {

    private StatusLine() {
    }

    static boolean isOk(String line) {
        return line.startsWith("+OK");
    }

    static boolean isErr(String line) {
        return line.startsWith("-ERR");
    }

    /** The text after the status indicator and one space, or the empty string. */
    static String text(String line) {
        int start = line.startsWith("+OK") ? 3 : line.startsWith("-ERR") ? 4 : 0;
        if (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        return start >= line.length() ? "" : line.substring(start);
    }
}
