package dev.pop3raw.camel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects the header block at the start of a raw message as it is copied (bounded in size, see {@link Collector})
 * and decodes its fields: the few the consumer always exposes ({@link #parse}), or all of them for mapHeaders
 * ({@link #all}). Decoding is unfolding (RFC 5322), RFC 2047 encoded-words in B and Q encodings with their charset
 * ({@link MailCharsets#forLabel}), raw 8-bit octets as UTF-8 (RFC 6532) with a windows-1252 fallback
 * ({@link MailCharsets#raw}), and RFC 2231 parameters in the MIME fields that have them ({@link MimeParameters}).
 * Nothing here throws on malformed input: an undecodable word is left as written, and a malformed field affects only
 * itself.
 */
final class HeaderDecoder {

    /** The most octets read looking for the end of the header block. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

    private HeaderDecoder() {
    }

    /** {@link #parse(byte[], Fields)} for a set of lower-case field names. */
    static Map<String, String> parse(byte[] block, Set<String> wanted) {
        return parse(block, new Fields(wanted));
    }

    /**
     * The first occurrence of each wanted field of a header block (see {@link Collector}), unfolded and decoded, keyed
     * by the lower-case field name. Works on the octets: a field's name is compared before anything is decoded, and only the wanted fields are unfolded and
     * decoded (the others, Received and DKIM lines mostly, cost one scan).
     */
    static Map<String, String> parse(byte[] block, Fields wanted) {
        return parse(block, block.length, wanted);
    }

    /** {@link #parse(byte[], Fields)} for the first {@code length} octets of {@code block}. */
    static Map<String, String> parse(byte[] block, int length, Fields wanted) {
        FirstOccurrences result = new FirstOccurrences(wanted);
        scan(block, length, result);
        return result;
    }

    /**
     * The result of {@link #parse} and its visitor in one object: this runs for every message, and a capturing lambda
     * would be one more allocation per message.
     */
    private static final class FirstOccurrences extends LinkedHashMap<String, String> implements FieldVisitor {
        private static final long serialVersionUID = 1L;
        private final transient Fields wanted;

        FirstOccurrences(Fields wanted) {
            this.wanted = wanted;
        }

        @Override
        public void field(byte[] b, int from, int colon, int end) {
            String name = wanted.match(b, from, colon);
            if (name != null && !containsKey(name)) {
                put(name, value(b, colon + 1, end));
            }
        }
    }

    /** A header field as {@link #scan} finds it: its name is {@code b[from, colon)}, its value {@code b[colon + 1, end)}. */
    @FunctionalInterface
    interface FieldVisitor {
        void field(byte[] b, int from, int colon, int end);
    }

    /**
     * Calls {@code visitor} for each field of the first {@code length} octets of {@code block}, in order: a line that
     * does not start with a blank and has a colon, with the lines after it that start with a blank (folding). Lines
     * without a colon, and continuation lines before the first field, are skipped.
     */
    static void scan(byte[] block, int length, FieldVisitor visitor) {
        int pos = 0;
        while (pos < length) {
            int lineEnd = lineEnd(block, pos, length);
            // the field goes on over the following lines that start with a space or a tab (folding)
            int fieldEnd = lineEnd;
            while (fieldEnd < length && (block[fieldEnd] == ' ' || block[fieldEnd] == '\t')) {
                fieldEnd = lineEnd(block, fieldEnd, length);
            }
            int colon = find(block, (byte) ':', pos, lineEnd);
            if (colon > pos && block[pos] != ' ' && block[pos] != '\t') {
                visitor.field(block, pos, colon, fieldEnd);
            }
            pos = fieldEnd;
        }
    }

    /** One header field, as {@link #all} gives it: its name as written and its value unfolded and decoded. */
    record Field(String name, String value) {
    }

    /**
     * Every field of the first {@code length} octets of {@code block}, in order, under its name as written, its value
     * unfolded and decoded ({@link #value}; the MIME fields with parameters also per RFC 2231, see
     * {@link MimeParameters}). A field whose name is not a field name (RFC 5322 3.6.8: printable ASCII but the colon,
     * blanks only before the colon) is left out. With {@code cut} (the block was cut at {@link #MAX_HEADER_BYTES}) the
     * field that runs to the end of the block is left out too: it may have been cut short.
     */
    static List<Field> all(byte[] block, int length, boolean cut) {
        List<Field> fields = new ArrayList<>();
        scan(block, length, (b, from, colon, end) -> {
            String name = fieldName(b, from, colon);
            if (name != null && !(cut && end == length)) {
                fields.add(new Field(name, MimeParameters.isParameterised(name)
                        ? MimeParameters.decode(MailCharsets.raw(unfold(b, colon + 1, end)).trim())
                        : value(b, colon + 1, end)));
            }
        });
        return fields;
    }

    /** The field name {@code b[from, colon)} spells without the blanks before the colon, or null when it is none. */
    private static String fieldName(byte[] b, int from, int colon) {
        int to = colon;
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        if (to == from) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (b[i] <= ' ' || b[i] == 127) { // a control, a blank inside the name, or an 8-bit octet (negative)
                return null;
            }
        }
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    /**
     * The field names to decode, kept as octets: a field's name is matched against them without first becoming a
     * string (most fields of a real header block are not wanted, and this runs for every message).
     */
    static final class Fields {
        private final String[] names;
        private final byte[][] octets;

        /** @param names lower-case ASCII field names */
        Fields(Set<String> names) {
            this.names = names.toArray(String[]::new);
            this.octets = new byte[this.names.length][];
            for (int i = 0; i < this.names.length; i++) {
                octets[i] = this.names[i].getBytes(StandardCharsets.US_ASCII);
            }
        }

        /**
         * The wanted name that {@code b[from, to)} spells, ignoring ASCII case and surrounding blanks (a space before
         * the colon is obsolete syntax, RFC 5322 4.5.3), or null.
         */
        String match(byte[] b, int from, int to) {
            while (from < to && isBlank(b[from])) {
                from++;
            }
            while (to > from && isBlank(b[to - 1])) {
                to--;
            }
            int length = to - from;
            for (int i = 0; i < octets.length; i++) {
                byte[] name = octets[i];
                if (name.length == length && equalsIgnoreAsciiCase(name, b, from)) {
                    return names[i];
                }
            }
            return null;
        }

        private static boolean isBlank(byte c) {
            return c == ' ' || c == '\t';
        }

        private static boolean equalsIgnoreAsciiCase(byte[] lower, byte[] b, int from) {
            for (int i = 0; i < lower.length; i++) {
                int c = b[from + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lower[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The unfolded, decoded and trimmed value of {@code b[from, to)}. Most values are one line of ASCII without an
     * encoded-word: those become a string at once, without the unfolded copy and the decoding steps.
     */
    private static String value(byte[] b, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && (b[start] & 0xFF) <= ' ') {
            start++;
        }
        while (end > start && (b[end - 1] & 0xFF) <= ' ') {
            end--;
        }
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c < 0 || c == '\n' || c == '\r' || c == '=' && i + 1 < end && b[i + 1] == '?') {
                // folded, 8-bit or encoded: the full way (trimmed on the octets already: one copy less)
                return decode(MailCharsets.raw(unfold(b, start, end)));
            }
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** The index just after the LF that ends the line starting at {@code from}, or the length of the block. */
    private static int lineEnd(byte[] b, int from, int length) {
        int lf = find(b, (byte) '\n', from, length);
        return lf < 0 ? length : lf + 1;
    }

    /**
     * The index of the first {@code value} in {@code b[from, to)}, or -1. A plain loop: only the header block is
     * searched, a few kilobytes once per message (at most {@link #MAX_HEADER_BYTES}); the word-at-a-time search stays
     * with the client's message data stream, through which every octet passes.
     */
    private static int find(byte[] b, byte value, int from, int to) {
        int i = from;
        while (i < to && b[i] != value) {
            i++;
        }
        return i < to ? i : -1;
    }

    /** The octets of {@code b[from, to)} without their line ends (CR LF or LF): an unfolded field value. */
    static byte[] unfold(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\n' || c == '\r' && i + 1 < to && b[i + 1] == '\n' || c == '\r' && i + 1 == to) {
                continue;
            }
            out[n++] = c;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Collects the header block from the bytes of a message as they are copied (so the message need not be read
     * twice): everything before the LF that ends the first empty line (CRLF or bare LF), at most
     * {@link #MAX_HEADER_BYTES}.
     */
    static final class Collector {
        private byte[] bytes = new byte[1024];
        private int size;
        private int previous = -1;
        private int beforePrevious = -1;
        private boolean complete;
        /** The block reached {@link #MAX_HEADER_BYTES} before its end: its last field may be cut short. */
        private boolean cut;

        /**
         * Feeds the next bytes of the message; does nothing once the block is complete. Only line ends are looked at
         * (the block ends at an LF that closes an empty line); the bytes before it are copied at once.
         */
        void feed(byte[] b, int off, int len) {
            if (complete) {
                return;
            }
            int end = off + len;
            int take = len;
            int i = find(b, (byte) '\n', off, end);
            while (i >= 0) {
                int p = at(b, off, i - 1);
                if (p == '\n' || p == '\r' && at(b, off, i - 2) == '\n') {
                    take = i - off;
                    complete = true;
                    break;
                }
                i = find(b, (byte) '\n', i + 1, end);
            }
            if (size + take > MAX_HEADER_BYTES) {
                take = MAX_HEADER_BYTES - size; // the block is cut at the bound
                complete = true;
                cut = true;
            }
            if (take == 0) {
                return;
            }
            if (size + take > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX_HEADER_BYTES, Math.max(size + take, size * 2)));
            }
            System.arraycopy(b, off, bytes, size, take);
            size += take;
            beforePrevious = take >= 2 ? b[off + take - 2] & 0xFF : previous;
            previous = b[off + take - 1] & 0xFF;
        }

        /** The byte at {@code i}, reaching back into the previous chunk's last two bytes when {@code i < off}. */
        private int at(byte[] b, int off, int i) {
            return i >= off ? b[i] & 0xFF : i == off - 1 ? previous : beforePrevious;
        }

        boolean complete() {
            return complete;
        }

        /** {@link HeaderDecoder#parse(byte[], Fields)} of the block collected so far, without copying it. */
        Map<String, String> fields(Fields wanted) {
            return parse(bytes, size, wanted);
        }

        /**
         * Whether the block was cut at {@link #MAX_HEADER_BYTES} (a header block longer than that), or fills it without
         * having ended: with streamDownload the exchange is built from the first 64 KiB, before the rest is read.
         */
        boolean cut() {
            return cut || !complete && size == MAX_HEADER_BYTES;
        }

        /** {@link HeaderDecoder#all} of the block collected so far, without the field the bound may have cut. */
        List<Field> all() {
            return HeaderDecoder.all(bytes, size, cut());
        }

        /** Empties the collector for the next message; its array (at most {@link #MAX_HEADER_BYTES}) is kept. */
        void reset() {
            size = 0;
            previous = -1;
            beforePrevious = -1;
            complete = false;
            cut = false;
        }
    }

    /**
     * Decodes the RFC 2047 encoded-words in an unfolded field value. Whitespace between two adjacent encoded-words
     * is dropped; the octets of adjacent words in the same charset are joined before decoding, so a multi-byte
     * character split across two words survives.
     */
    static String decode(String value) {
        if (value.indexOf("=?") < 0) {
            return value; // no encoded-word (the common case): nothing to do
        }
        Matcher m = ENCODED_WORD.matcher(value);
        StringBuilder out = new StringBuilder(value.length());
        int last = 0;
        Charset pendingCharset = null;
        ByteArrayOutputStream pendingBytes = new ByteArrayOutputStream();
        while (m.find()) {
            String between = value.substring(last, m.start());
            byte[] octets = wordOctets(m.group(2), m.group(3));
            Charset charset = charset(m.group(1));
            if (octets == null || charset == null) {
                flush(out, pendingCharset, pendingBytes);
                pendingCharset = null;
                out.append(between).append(m.group());
                last = m.end();
                continue;
            }
            boolean adjacent = pendingCharset != null && between.isBlank();
            if (adjacent && pendingCharset.equals(charset)) {
                pendingBytes.writeBytes(octets);
            } else {
                flush(out, pendingCharset, pendingBytes);
                if (!adjacent) {
                    out.append(between);
                }
                pendingCharset = charset;
                pendingBytes.writeBytes(octets);
            }
            last = m.end();
        }
        flush(out, pendingCharset, pendingBytes);
        out.append(value.substring(last));
        return out.toString();
    }

    private static void flush(StringBuilder out, Charset charset, ByteArrayOutputStream bytes) {
        if (charset != null && bytes.size() > 0) {
            out.append(decodedText(bytes.toByteArray(), charset));
        }
        bytes.reset();
    }

    /**
     * Decoded octets as text, with CR and LF as spaces: a line end that an encoded-word (or an RFC 2231 value) carries
     * is never a line end of the header, and a value holding one could add header lines to a mail it is copied into.
     * A null charset (an RFC 2231 value without one) reads the octets as {@link MailCharsets#raw} does.
     */
    static String decodedText(byte[] octets, Charset charset) {
        String text = charset == null ? MailCharsets.raw(octets) : MailCharsets.decode(octets, charset);
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
    }

    /** The charset of an encoded-word, without the RFC 2231 language suffix; null when unknown. */
    private static Charset charset(String name) {
        int star = name.indexOf('*');
        return MailCharsets.forLabel(star >= 0 ? name.substring(0, star) : name);
    }

    private static byte[] wordOctets(String encoding, String text) {
        if (encoding.equalsIgnoreCase("B")) {
            try {
                String padded = text;
                while (padded.length() % 4 != 0) {
                    padded += "="; // some mailers drop the padding
                }
                return Base64.getDecoder().decode(padded);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return unescape(text, '=', true);
    }

    /**
     * The octets of {@code text} with each {@code escape} and two hexadecimal digits as the octet they spell: RFC 2047's
     * Q encoding ({@code =}, with {@code _} for a space) and RFC 2231's extended values ({@code %}). Null when an escape
     * is not followed by two hexadecimal digits, or when a character is not ASCII.
     */
    static byte[] unescape(String text, char escape, boolean underscoreIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == escape) {
                int hi = i + 2 < text.length() ? hexDigit(text.charAt(i + 1)) : -1;
                int lo = hi >= 0 ? hexDigit(text.charAt(i + 2)) : -1;
                if (lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7F) {
                return null;
            } else {
                out.write(underscoreIsSpace && c == '_' ? ' ' : c);
            }
        }
        return out.toByteArray();
    }

    private static int hexDigit(char c) {
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
