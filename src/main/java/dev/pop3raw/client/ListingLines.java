package dev.pop3raw.client;

/**
 * Reads one line of a LIST or UIDL listing, and the text of the single-line {@code STAT}, {@code LIST n} and
 * {@code UIDL n} replies.
 * <p>
 * A listing line never throws: a malformed line becomes an entry whose {@link MessageInfo#problem()} says what was
 * wrong, so that it affects only the message it describes. A line whose message number is unusable cannot be
 * attributed to any message: it comes back with number 0 ({@link #isAttributable}) and a problem that quotes it. A
 * malformed single-line reply fails its call only ({@link Pop3MalformedResponseException}): the session stays in step.
 * <p>
 * Lines are read in place, without trimmed copies: a listing can have 100,000 lines.
 */
final class ListingLines {

    private ListingLines() {
    }

    /** The text of a {@code STAT} reply, {@code count size}. */
    static MailboxStatus statReply(String text) throws Pop3MalformedResponseException {
        String[] words = text.strip().split("[ \t]+");
        long count = digits(words[0], 0, words[0].length(), Integer.MAX_VALUE);
        long size = words.length < 2 ? -1 : digits(words[1], 0, words[1].length(), Long.MAX_VALUE);
        if (count < 0 || size < 0) {
            throw new Pop3MalformedResponseException(
                    "STAT reply is not 'count size' (two non-negative decimal numbers): "
                            + Printable.quote(text));
        }
        return new MailboxStatus((int) count, size);
    }

    /** The text of a {@code LIST n} reply, {@code n size}, as the entry of message {@code number}. */
    static MessageInfo listReply(int number, String text) throws Pop3MalformedResponseException {
        return requireWellFormed("LIST " + number, number, text, sizeLine(text));
    }

    /** The text of a {@code UIDL n} reply, {@code n unique-id}, as the entry of message {@code number}. */
    static MessageInfo uidlReply(int number, String text) throws Pop3MalformedResponseException {
        return requireWellFormed("UIDL " + number, number, text, uidlLine(text));
    }

    /** The entry of a single-line LIST n / UIDL n reply, or a failure of this call (not of the session). */
    private static MessageInfo requireWellFormed(String display, int number, String text, MessageInfo parsed)
            throws Pop3MalformedResponseException {
        if (!isAttributable(parsed)) {
            throw new Pop3MalformedResponseException("reply to " + display + " does not start with a message number: "
                    + Printable.quote(text));
        }
        if (parsed.number() != number) {
            throw new Pop3MalformedResponseException("reply to " + display + " is about message " + parsed.number()
                    + ": " + Printable.quote(text));
        }
        if (parsed.hasProblem()) {
            throw new Pop3MalformedResponseException(
                    "reply to " + display + " is malformed (" + parsed.problem() + ")");
        }
        return parsed;
    }

    /** A LIST line, {@code number size [more fields]} (RFC 1939 allows more fields after the size). */
    static MessageInfo sizeLine(String line) {
        Fields f = new Fields(line);
        if (f.number < 1) {
            return unattributable("LIST", line);
        }
        int sizeEnd = f.valueStart;
        while (sizeEnd < f.end && !isBlank(line.charAt(sizeEnd))) {
            sizeEnd++;
        }
        if (sizeEnd == f.valueStart) {
            return new MessageInfo(f.number, -1, null, "LIST: no size");
        }
        long size = digits(line, f.valueStart, sizeEnd, Long.MAX_VALUE);
        if (size >= 0) {
            return new MessageInfo(f.number, size, null);
        }
        String value = line.substring(f.valueStart, sizeEnd);
        String problem = allDigits(value)
                ? "LIST: the size " + Printable.quote(value) + " is out of range"
                : "LIST: the size " + Printable.quote(value) + " is not a non-negative decimal number";
        return new MessageInfo(f.number, -1, null, problem);
    }

    /**
     * A UIDL line, {@code number unique-id}. RFC 1939 allows nothing after the unique-id, so the rest of the line is
     * the unique-id: a line with more fields has one that contains a space, which is invalid. Taking only the first
     * word instead could give two messages the same id, or one message another's.
     */
    static MessageInfo uidlLine(String line) {
        Fields f = new Fields(line);
        if (f.number < 1) {
            return unattributable("UIDL", line);
        }
        String uidl = line.substring(f.valueStart, f.end);
        String problem = MessageInfo.uidlProblem(uidl);
        return new MessageInfo(f.number, -1, uidl, problem == null ? null : "UIDL: " + problem);
    }

    /** Whether the line could be attributed to a message (it had a usable message number). */
    static boolean isAttributable(MessageInfo parsed) {
        return parsed.number() >= 1;
    }

    private static MessageInfo unattributable(String command, String line) {
        return new MessageInfo(0, -1, null, command + " line " + Printable.quote(line)
                + " does not start with a message number (1 to 2147483647)");
    }

    /** The number and where the value starts, with blanks (space, tab) around both allowed. */
    private static final class Fields {
        final int end;
        final int number;
        final int valueStart;

        Fields(String line) {
            int e = line.length();
            while (e > 0 && isBlank(line.charAt(e - 1))) {
                e--;
            }
            int start = 0;
            while (start < e && isBlank(line.charAt(start))) {
                start++;
            }
            int numberEnd = start;
            while (numberEnd < e && !isBlank(line.charAt(numberEnd))) {
                numberEnd++;
            }
            int v = numberEnd;
            while (v < e && isBlank(line.charAt(v))) {
                v++;
            }
            this.end = e;
            this.number = (int) digits(line, start, numberEnd, Integer.MAX_VALUE);
            this.valueStart = v;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** The value of the ASCII digits {@code s[from, to)}; -1 when there are none, others, or the value exceeds max. */
    static long digits(String s, int from, int to, long max) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = s.charAt(i) - '0';
            if (digit < 0 || digit > 9 || value > (max - digit) / 10) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
