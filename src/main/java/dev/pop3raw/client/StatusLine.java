package dev.pop3raw.client;

/** Reading of {@code +OK} / {@code -ERR} status lines. */
final class StatusLine {

    private StatusLine() {
    }

    /**
     * {@code +OK} alone or followed by a space (RFC 2449's {@code status [SP text]}), upper case as RFC 1939
     * says. {@code +OKAY} or {@code +ok} are not status lines: during AUTH, {@code +} followed by base64 that
     * happens to start with {@code OK} is a challenge, not a success.
     */
    static boolean isOk(String line) {
        return line.startsWith("+OK") && (line.length() == 3 || line.charAt(3) == ' ');
    }

    /** {@code -ERR} alone or followed by a space, upper case. */
    static boolean isErr(String line) {
        return line.startsWith("-ERR") && (line.length() == 4 || line.charAt(4) == ' ');
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
