package dev.pop3raw.mime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Where the parser is in the message, as IMAP numbers parts (RFC 3501, 6.4.5): a single-part message's body is "1";
 * the parts of a multipart are numbered from 1 and nested ones get their parent's number in front ("2.1"); the body of
 * a message/rfc822 part "3" is "3.1" when it is a single part, and its parts are "3.1", "3.2" when it is a multipart.
 */
final class PartPath {

    /** Marks a message/rfc822 part entered, among the multipart counters. */
    private static final int MESSAGE = -1;

    private final Deque<int[]> levels = new ArrayDeque<>();

    void startMultipart() {
        levels.push(new int[]{0});
    }

    void endMultipart() {
        levels.pop();
    }

    /** The next part of the innermost multipart begins. */
    void startPart() {
        if (!levels.isEmpty() && levels.peek()[0] != MESSAGE) {
            levels.peek()[0]++;
        }
    }

    /** The parser enters a message/rfc822 part (its parts are walked). */
    void startMessage() {
        levels.push(new int[]{MESSAGE});
    }

    /** The parser leaves a message/rfc822 part. */
    void endMessage() {
        levels.pop();
    }

    /** The number of the leaf part the parser is at. */
    String leaf() {
        StringBuilder path = new StringBuilder();
        for (Iterator<int[]> i = levels.descendingIterator(); i.hasNext();) {
            int n = i.next()[0];
            if (n != MESSAGE) {
                path.append(path.length() == 0 ? "" : ".").append(n);
            }
        }
        if (levels.isEmpty() || levels.peek()[0] == MESSAGE) {
            path.append(path.length() == 0 ? "" : ".").append(1); // a message's body that is not a multipart
        }
        return path.toString();
    }
}
