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
 * RFC 2231 parameters of the MIME fields that have parameters (Content-Type, Content-Disposition): continuations
 * ({@code filename*0=...; filename*1=...}) are joined and extended values ({@code filename*=UTF-8''na%C3%AFve.pdf})
 * decoded in their charset, and the field is written again with each such parameter once, under its plain name, as
 * a quoted string: {@code attachment; filename="naïve.pdf"}. A decoded parameter replaces a plain one of the same name
 * (the fallback mailers add for readers without RFC 2231). A parameter that cannot be decoded (a missing
 * continuation, an unknown charset, a bad %-escape) is left as written, and so is everything else; the text outside
 * RFC 2231 parameters gets the RFC 2047 decoding of any field ({@link HeaderDecoder#decode}).
 */
final class MimeParameters {

    /** {@code name*}, {@code name*N} or {@code name*N*}: the base name, the section number, whether it is encoded. */
    private static final Pattern EXTENDED_NAME = Pattern.compile("([^*\\s]+)\\*(?:(\\d{1,3})(\\*)?)?");

    private MimeParameters() {
    }

    /** Whether a field of this name has MIME parameters (RFC 2045 5.1, RFC 2183). */
    static boolean isParameterised(String fieldName) {
        return fieldName.equalsIgnoreCase("Content-Type") || fieldName.equalsIgnoreCase("Content-Disposition");
    }

    /** The unfolded value of a parameterised field with its RFC 2231 parameters decoded (see the class comment). */
    static String decode(String value) {
        if (value.indexOf('*') < 0) {
            return HeaderDecoder.decode(value); // no RFC 2231 parameter (the common case)
        }
        List<String> pieces = split(value);
        Map<String, Extended> extended = new LinkedHashMap<>();
        for (String piece : pieces.subList(1, pieces.size())) {
            Matcher m = EXTENDED_NAME.matcher(nameOf(piece));
            if (piece.indexOf('=') > 0 && m.matches()) {
                extended.computeIfAbsent(m.group(1).toLowerCase(Locale.ROOT), k -> new Extended(m.group(1)))
                        .add(m.group(2) == null ? -1 : Integer.parseInt(m.group(2)),
                                m.group(2) == null || m.group(3) != null, valueOf(piece));
            }
        }
        StringBuilder out = new StringBuilder(HeaderDecoder.decode(pieces.get(0)));
        for (String piece : pieces.subList(1, pieces.size())) {
            Matcher m = EXTENDED_NAME.matcher(nameOf(piece));
            String base = (m.matches() ? m.group(1) : nameOf(piece)).toLowerCase(Locale.ROOT);
            Extended parameter = extended.get(base);
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

    /** The sections of one RFC 2231 parameter, by number ({@code name*} alone is section -1). */
    private static final class Extended {
        final String name;
        final TreeMap<Integer, String> values = new TreeMap<>();
        final TreeMap<Integer, Boolean> encoded = new TreeMap<>();
        boolean written;
        private boolean decodedOnce;
        private String decoded;

        Extended(String name) {
            this.name = name;
        }

        void add(int section, boolean isEncoded, String value) {
            values.putIfAbsent(section, value);
            encoded.putIfAbsent(section, isEncoded);
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
            boolean single = values.containsKey(-1);
            if (single ? values.size() != 1 : values.firstKey() != 0 || values.lastKey() != values.size() - 1) {
                return null; // name* beside name*N, or a section missing
            }
            String first = values.firstEntry().getValue();
            Charset charset = null;
            if (encoded.firstEntry().getValue()) { // charset'language'octets
                int q1 = first.indexOf('\'');
                int q2 = q1 < 0 ? -1 : first.indexOf('\'', q1 + 1);
                if (q2 < 0) {
                    return null;
                }
                charset = q1 == 0 ? null : MailCharsets.forLabel(first.substring(0, q1));
                if (q1 > 0 && charset == null) {
                    return null; // an unknown charset
                }
                values.put(values.firstKey(), first.substring(q2 + 1));
            }
            return join(charset);
        }

        /** The sections joined: the octets of adjacent encoded sections together, so a character may span two. */
        private String join(Charset charset) {
            StringBuilder text = new StringBuilder();
            ByteArrayOutputStream octets = new ByteArrayOutputStream();
            for (Map.Entry<Integer, String> section : values.entrySet()) {
                if (encoded.get(section.getKey())) {
                    byte[] b = HeaderDecoder.unescape(section.getValue(), '%', false);
                    if (b == null) {
                        return null;
                    }
                    octets.writeBytes(b);
                } else {
                    text.append(HeaderDecoder.decodedText(octets.toByteArray(), charset)).append(section.getValue());
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
