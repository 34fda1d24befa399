package dev.pop3raw.camel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of the MIME fields that have parameters (Content-Type, Content-Disposition), decoded; the one
 * implementation of these rules, for mapHeaders ({@link #decode}) and for the attachment splitter's file names and
 * charsets ({@link #parameter}):
 * <ul>
 * <li>RFC 2231: continuations ({@code filename*0=...; filename*1=...}) are joined in the order of their numbers, only
 * the sections marked with a {@code *} are percent-decoded, and the octets of adjacent encoded sections are decoded
 * together in the charset the first section names ({@code filename*=UTF-8''na%C3%AFve.pdf}; its label read by
 * {@link MailCharsets#forLabel}), so a character split between two sections survives. The decoded parameter wins over
 * a plain one of the same name (the fallback mailers add for readers without RFC 2231). A parameter that cannot be
 * decoded (a missing section, both {@code name*} and {@code name*0}, an unknown charset, a bad %-escape) is left as
 * written.</li>
 * <li>RFC 2047 encoded-words in the other parameters, quoted ones too, which RFC 2047 forbids and Outlook and Gmail
 * write anyway ({@link HeaderDecoder#decode}).</li>
 * <li>Raw 8-bit octets: the field's octets are read as those of any field ({@link MailCharsets#raw}: UTF-8, else
 * windows-1252) before any of the above.</li>
 * </ul>
 */
public final class MimeParameters {

    /** {@code name*}, {@code name*N} or {@code name*N*}: the base name, the section number, whether it is encoded. */
    private static final Pattern EXTENDED_NAME = Pattern.compile("([^*\\s]+)\\*(?:(\\d{1,3})(\\*)?)?");

    private MimeParameters() {
    }

    /** Whether a field of this name has MIME parameters (RFC 2045 5.1, RFC 2183). */
    static boolean isParameterised(String fieldName) {
        return fieldName.equalsIgnoreCase("Content-Type") || fieldName.equalsIgnoreCase("Content-Disposition");
    }

    /**
     * The unfolded value of a parameterised field with its parameters decoded and the field written again: each RFC
     * 2231 parameter once, under its plain name, as a quoted string ({@code attachment; filename="naïve.pdf"}),
     * replacing a plain one of the same name; everything else as written but for its RFC 2047 encoded-words.
     */
    static String decode(String value) {
        if (value.indexOf('*') < 0) {
            return HeaderDecoder.decode(value); // no RFC 2231 parameter (the common case)
        }
        List<String> pieces = split(value);
        Map<String, Extended> extended = extended(pieces);
        StringBuilder out = new StringBuilder(HeaderDecoder.decode(pieces.get(0)));
        for (String piece : pieces.subList(1, pieces.size())) {
            Extended parameter = extended.get(baseName(piece));
            String decoded = parameter == null ? null : parameter.decoded();
            if (decoded == null) {
                out.append("; ").append(HeaderDecoder.decode(piece));
            } else if (!parameter.written) {
                parameter.written = true;
                out.append("; ").append(parameter.name).append("=\"")
                        .append(decoded.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return out.toString();
    }

    /**
     * The decoded value of the parameter {@code name} of one header field, or null when the field has no such
     * parameter. {@code field} is the field's octets as the message has them: its name, a colon and its value, folded
     * or not (as a MIME parser reads it). An RFC 2231 parameter that cannot be decoded gives the plain parameter of the
     * same name when there is one, else its own value as written.
     */
    public static String parameter(byte[] field, String name) {
        int colon = 0;
        while (colon < field.length && field[colon] != ':') {
            colon++;
        }
        if (colon == field.length) {
            return null;
        }
        return parameter(MailCharsets.raw(HeaderDecoder.unfold(field, colon + 1, field.length)).trim(), name);
    }

    /** {@link #parameter(byte[], String)} of an unfolded field value already read as text. */
    static String parameter(String value, String name) {
        List<String> pieces = split(value);
        Extended extended = extended(pieces).get(name.toLowerCase(Locale.ROOT));
        String decoded = extended == null ? null : extended.decoded();
        if (decoded != null) {
            return decoded;
        }
        for (String piece : pieces.subList(1, pieces.size())) {
            if (piece.indexOf('=') > 0 && nameOf(piece).equalsIgnoreCase(name)) {
                return HeaderDecoder.decode(valueOf(piece));
            }
        }
        return extended == null ? null : HeaderDecoder.decode(extended.asWritten());
    }

    /** The RFC 2231 parameters among the pieces of a field, by lower-case base name. */
    private static Map<String, Extended> extended(List<String> pieces) {
        Map<String, Extended> extended = new LinkedHashMap<>();
        for (String piece : pieces.subList(1, pieces.size())) {
            Matcher m = EXTENDED_NAME.matcher(nameOf(piece));
            if (piece.indexOf('=') > 0 && m.matches()) {
                extended.computeIfAbsent(m.group(1).toLowerCase(Locale.ROOT), k -> new Extended(m.group(1)))
                        .add(m.group(2) == null ? -1 : Integer.parseInt(m.group(2)),
                                m.group(2) == null || m.group(3) != null, valueOf(piece));
            }
        }
        return extended;
    }

    /** The lower-case name of a parameter without an RFC 2231 section mark. */
    private static String baseName(String piece) {
        Matcher m = EXTENDED_NAME.matcher(nameOf(piece));
        return (m.matches() ? m.group(1) : nameOf(piece)).toLowerCase(Locale.ROOT);
    }

    /** One section of an RFC 2231 parameter: its value as written (unquoted), and whether it is percent-encoded. */
    private record Section(String value, boolean encoded) {
    }

    /** The sections of one RFC 2231 parameter, by number ({@code name*} alone is section -1). */
    private static final class Extended {
        final String name;
        final TreeMap<Integer, Section> sections = new TreeMap<>();
        boolean written;
        private boolean decodedOnce;
        private String decoded;

        Extended(String name) {
            this.name = name;
        }

        void add(int number, boolean encoded, String value) {
            sections.putIfAbsent(number, new Section(value, encoded));
        }

        /** The values of the sections as written, in the order of their numbers. */
        String asWritten() {
            StringBuilder text = new StringBuilder();
            sections.values().forEach(s -> text.append(s.value()));
            return text.toString();
        }

        /** The value its sections spell, or null when they cannot be decoded (the parameter is then left as written). */
        String decoded() {
            if (!decodedOnce) {
                decodedOnce = true;
                decoded = decode();
            }
            return decoded;
        }

        private String decode() {
            boolean single = sections.containsKey(-1);
            if (single ? sections.size() != 1 : sections.firstKey() != 0 || sections.lastKey() != sections.size() - 1) {
                return null; // name* beside name*N, or a section missing
            }
            Section first = sections.firstEntry().getValue();
            if (!first.encoded()) {
                return join(null, first.value());
            }
            int q1 = first.value().indexOf('\''); // charset'language'octets
            int q2 = q1 < 0 ? -1 : first.value().indexOf('\'', q1 + 1);
            if (q2 < 0) {
                return null;
            }
            Charset charset = q1 == 0 ? null : MailCharsets.forLabel(first.value().substring(0, q1));
            if (q1 > 0 && charset == null) {
                return null; // an unknown charset
            }
            return join(charset, first.value().substring(q2 + 1));
        }

        /**
         * The sections joined, the first one's value being {@code firstValue}: the octets of adjacent encoded sections
         * together, so a character may span two. A null charset reads the octets as {@link MailCharsets#raw} does.
         */
        private String join(Charset charset, String firstValue) {
            StringBuilder text = new StringBuilder();
            ByteArrayOutputStream octets = new ByteArrayOutputStream();
            boolean first = true;
            for (Section section : sections.values()) {
                String value = first ? firstValue : section.value();
                first = false;
                if (section.encoded()) {
                    byte[] b = HeaderDecoder.unescape(value, '%', false);
                    if (b == null) {
                        return null;
                    }
                    octets.writeBytes(b);
                } else {
                    text.append(HeaderDecoder.decodedText(octets.toByteArray(), charset)).append(value);
                    octets.reset();
                }
            }
            return text.append(HeaderDecoder.decodedText(octets.toByteArray(), charset)).toString();
        }
    }

    /** The value split at the semicolons outside quoted strings, each piece trimmed. */
    private static List<String> split(String value) {
        List<String> pieces = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++; // a quoted pair
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                addPiece(pieces, value.substring(start, i));
                start = i + 1;
            }
        }
        addPiece(pieces, value.substring(start));
        return pieces;
    }

    /** The first piece (the type) always, a parameter when it is not empty (a stray or trailing semicolon). */
    private static void addPiece(List<String> pieces, String piece) {
        String p = piece.trim();
        if (pieces.isEmpty() || !p.isEmpty()) {
            pieces.add(p);
        }
    }

    private static String nameOf(String piece) {
        int eq = piece.indexOf('=');
        return (eq < 0 ? piece : piece.substring(0, eq)).trim();
    }

    /** The value of {@code name=value}: a quoted string without its quotes and quoted pairs, or the token. */
    private static String valueOf(String piece) {
        String v = piece.substring(piece.indexOf('=') + 1).trim();
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return v;
        }
        StringBuilder out = new StringBuilder(v.length());
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                c = v.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
