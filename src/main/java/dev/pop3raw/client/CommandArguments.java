package dev.pop3raw.client;

/** Checks that what goes into a command line cannot end it early or smuggle in a second command. */
final class CommandArguments {

    private CommandArguments() {
    }

    /**
     * @throws IllegalArgumentException naming {@code what} (never the value, which may be a secret) when
     *                                  {@code value} contains CR, LF or NUL
     */
    static String requireSafe(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException(what + " contains CR, LF or NUL and was not sent");
            }
        }
        return value;
    }

    static int requireMessageNumber(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("message numbers start at 1, was " + number);
        }
        return number;
    }
}
