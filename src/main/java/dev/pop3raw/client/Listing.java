package dev.pop3raw.client;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * What a LIST, a UIDL, or both together said about the maildrop: one {@link MessageInfo} per message number, and the
 * lines that could not be attributed to any message.
 * <p>
 * One malformed line affects only the message it describes. A bad size or unique-id leaves that value unknown and
 * gives the entry a {@link MessageInfo#problem()}; a message number listed twice with different values is as good as
 * unlisted for that listing; a line without a usable message number is left out and reported in
 * {@link #skippedLines()}. The UIDL and the LIST entries of a message are joined by message number only, never by
 * position, so a missing or unreadable line never gives one message the unique-id of another.
 * <p>
 * Entries are in message-number order when the server lists in that order (servers do); otherwise in the order of
 * the LIST reply, followed by the messages only UIDL lists.
 */
public final class Listing extends AbstractList<MessageInfo> implements RandomAccess {

    private static final Listing EMPTY = new Listing(List.of(), List.of(), true);

    private final List<MessageInfo> entries;
    private final List<String> skippedLines;
    /** Strictly ascending message numbers: joinable by a merge, without a map. */
    private final boolean ascending;

    private Listing(List<MessageInfo> entries, List<String> skippedLines, boolean ascending) {
        this.entries = entries;
        this.skippedLines = skippedLines;
        this.ascending = ascending;
    }

    /**
     * The lines that could not be attributed to a message (no usable message number) or that repeated a message's
     * line, each described for people with the line quoted; empty when there were none.
     */
    public List<String> skippedLines() {
        return skippedLines;
    }

    /** Whether every line was well-formed: no skipped line and no entry with a problem. */
    public boolean isWellFormed() {
        if (!skippedLines.isEmpty()) {
            return false;
        }
        for (MessageInfo m : entries) {
            if (m.hasProblem()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public MessageInfo get(int index) {
        return entries.get(index);
    }

    @Override
    public int size() {
        return entries.size();
    }

    /**
     * The listing of one command from its parsed lines ({@link ListingLines}): unattributable lines are set aside, and
     * a number listed twice keeps its value only when both lines agree.
     */
    static Listing of(String command, List<MessageInfo> lines) {
        List<String> skipped = new ArrayList<>(0);
        boolean ascending = true;
        int last = 0;
        for (MessageInfo m : lines) {
            if (!ListingLines.isAttributable(m)) {
                skipped.add(m.problem());
            } else {
                ascending &= m.number() > last;
                last = m.number();
            }
        }
        if (ascending) {
            List<MessageInfo> entries = skipped.isEmpty() ? lines : attributable(lines);
            return new Listing(entries, List.copyOf(skipped), true);
        }
        Map<Integer, MessageInfo> byNumber = new LinkedHashMap<>();
        for (MessageInfo m : lines) {
            if (!ListingLines.isAttributable(m)) {
                continue;
            }
            MessageInfo first = byNumber.putIfAbsent(m.number(), m);
            if (first == null) {
                continue;
            }
            if (first.size() == m.size() && Objects.equals(first.uidl(), m.uidl())
                    && Objects.equals(first.problem(), m.problem())) {
                skipped.add(
                        command + " lists message " + m.number() + " twice, the same way; the repetition is ignored");
            } else {
                // which line is the right one cannot be known: neither value is used
                byNumber.put(m.number(),
                        new MessageInfo(m.number(), -1, null, command + ": listed twice, with different "
                                + (command.equals("LIST") ? "sizes" : "unique-ids")));
            }
        }
        return new Listing(List.copyOf(byNumber.values()), List.copyOf(skipped), false);
    }

    /** UIDL and LIST joined by message number; {@code ids} is null when the server does not implement UIDL. */
    static Listing join(Listing sized, Listing ids) {
        if (ids == null) {
            return sized;
        }
        List<String> skipped = new ArrayList<>(sized.skippedLines);
        skipped.addAll(ids.skippedLines);
        List<MessageInfo> joined = new ArrayList<>(Math.max(sized.size(), ids.size()));
        if (sized.ascending && ids.ascending) {
            mergeAscending(sized.entries, ids.entries, joined);
        } else {
            joinByMap(sized.entries, ids.entries, joined);
        }
        return new Listing(joined, List.copyOf(skipped), sized.ascending && ids.ascending);
    }

    static Listing empty() {
        return EMPTY;
    }

    private static void mergeAscending(List<MessageInfo> sized, List<MessageInfo> ids, List<MessageInfo> joined) {
        int i = 0;
        int j = 0;
        while (i < sized.size() || j < ids.size()) {
            MessageInfo s = i < sized.size() ? sized.get(i) : null;
            MessageInfo u = j < ids.size() ? ids.get(j) : null;
            if (u == null || s != null && s.number() < u.number()) {
                joined.add(both(s, null));
                i++;
            } else if (s == null || u.number() < s.number()) {
                joined.add(both(null, u));
                j++;
            } else {
                joined.add(both(s, u));
                i++;
                j++;
            }
        }
    }

    private static void joinByMap(List<MessageInfo> sized, List<MessageInfo> ids, List<MessageInfo> joined) {
        Map<Integer, MessageInfo> idsByNumber = new HashMap<>();
        for (MessageInfo u : ids) {
            idsByNumber.put(u.number(), u);
        }
        for (MessageInfo s : sized) {
            joined.add(both(s, idsByNumber.remove(s.number())));
        }
        for (MessageInfo u : ids) {
            if (idsByNumber.containsKey(u.number())) {
                joined.add(both(null, u));
            }
        }
    }

    /** One message from its LIST entry and its UIDL entry, either of which may be missing (but not both). */
    private static MessageInfo both(MessageInfo sized, MessageInfo id) {
        if (id == null) {
            return new MessageInfo(sized.number(), sized.size(), null,
                    combine(sized.problem(), "UIDL: no line for this message"));
        }
        if (sized == null) {
            return new MessageInfo(id.number(), -1, id.uidl(), combine("LIST: no line for this message", id.problem()));
        }
        return new MessageInfo(sized.number(), sized.size(), id.uidl(), combine(sized.problem(), id.problem()));
    }

    private static String combine(String first, String second) {
        return first == null ? second : second == null ? first : first + "; " + second;
    }

    private static List<MessageInfo> attributable(List<MessageInfo> lines) {
        List<MessageInfo> entries = new ArrayList<>(lines.size());
        for (MessageInfo m : lines) {
            if (ListingLines.isAttributable(m)) {
                entries.add(m);
            }
        }
        return entries;
    }
}
