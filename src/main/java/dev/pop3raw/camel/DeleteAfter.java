package dev.pop3raw.camel;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;

/**
 * The text of the {@code deleteAfter} option as a duration. Camel's converter to {@link Duration} turns text it cannot
 * read into zero, which would switch the option off without a word; this reads it strictly, so that a typo fails at
 * start naming the option.
 */
final class DeleteAfter {

    /**
     * Camel's duration syntax as its {@link TimeUtils} reads it, with a unit: {@code 14d}, {@code 1d12h}, {@code 90m}.
     * A bare number, which Camel reads as milliseconds, is refused: deleteAfter=14 almost surely means days.
     */
    private static final Pattern CAMEL_SYNTAX = Pattern.compile("(\\d+(ms|d|h|m|s))+");
    /** A century: more would overflow the arithmetic on instants, and no mailbox keeps mail that long. */
    private static final Duration LONGEST = Duration.ofDays(36_500);

    private DeleteAfter() {
    }

    /**
     * @param text the option as given: Camel's syntax ({@code 14d}, {@code 36h}, {@code 1d12h}) or ISO-8601
     *             ({@code P14D}, {@code PT36H})
     * @return a positive duration of at most a century
     * @throws IllegalArgumentException naming the option, for empty, unreadable, zero, negative or too long values
     */
    static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        Duration d = null;
        try {
            if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P") || t.startsWith("-p")) {
                d = Duration.parse(t);
            } else if (t.matches("0+")) {
                d = Duration.ZERO; // zero in any unit: refused below as not positive
            } else if (CAMEL_SYNTAX.matcher(t).matches()) {
                d = Duration.ofMillis(TimeUtils.toMilliSeconds(t));
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null && t.matches("\\d+")) {
            throw new IllegalArgumentException("pop3raw: deleteAfter=" + t + " has no unit; write " + t + "d for days,"
                    + " " + t + "h for hours (or ISO-8601: P" + t + "D)");
        }
        if (d == null) {
            throw new IllegalArgumentException("pop3raw: deleteAfter='" + t + "' is not a duration; write it as"
                    + " 14d, 36h, 1d12h (Camel's syntax) or P14D, PT36H (ISO-8601)");
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("pop3raw: deleteAfter must be positive, was '" + t + "'; to delete"
                    + " each message once processed, use delete=true instead");
        }
        if (d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("pop3raw: deleteAfter='" + t + "' is longer than a century");
        }
        return d;
    }
}
