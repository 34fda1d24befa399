package dev.pop3raw.mime;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * What Mime4j reports while it reads, as problems of the part being read: a base64 or quoted-printable decoding error,
 * a missing closing boundary (reported when the parser leaves the part), a malformed header line. Each report makes
 * the parser go on ({@link #warn} returns false), so a problem affects only its part. A broken part can report once
 * per octet: a part keeps its first {@value #KEPT} distinct reports, and a report repeated at once is marked
 * "(repeated)" rather than kept again.
 */
final class PartProblems extends DecodeMonitor {

    static final int KEPT = 5;

    private List<String> current = new ArrayList<>();
    private String last;
    private boolean repeated;

    /** A new part begins: what is reported from now on is its problem. */
    void startPart() {
        current = new ArrayList<>();
        last = null;
    }

    /** The list the current part's problems go to (the reader hands it to the part). */
    List<String> current() {
        return current;
    }

    @Override
    public boolean warn(String message, String action) {
        String problem = action == null ? message : message + " (" + action + ")";
        if (problem.equals(last)) {
            if (!repeated && !current.isEmpty() && current.get(current.size() - 1) == last) {
                current.set(current.size() - 1, last + " (repeated)");
            }
            repeated = true;
        } else if (current.size() < KEPT) {
            current.add(problem);
            last = problem;
            repeated = false;
        }
        return false;
    }

    @Override
    public boolean isListening() {
        return true;
    }
}
