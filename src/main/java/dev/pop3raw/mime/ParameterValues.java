package dev.pop3raw.mime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.NameValuePair;

/**
 * The value of a header parameter as mailers write it, decoded:
 * <ul>
 * <li>RFC 2231: {@code filename*=UTF-8''%E2%82%AC.pdf}, and continuations {@code filename*0*=...; filename*1=...}
 * joined in the order of their numbers, each section percent-decoded only if it is marked with a {@code *}, the
 * octets of all sections decoded together in the charset of the first (so a character split between two sections
 * survives). The extended form wins over the plain one.</li>
 * <li>RFC 2047 encoded-words inside a quoted value ({@code filename="=?UTF-8?B?...?="}), which RFC 2047 forbids and
 * Outlook and Gmail write anyway (decoded by Mime4j's {@link DecoderUtil}).</li>
 * <li>Raw 8-bit octets: UTF-8 when they are valid UTF-8 (RFC 6532), else ISO-8859-1.</li>
 * </ul>
 * Mime4j 0.8's own {@code MimeParameterMapping} joins continuations in the order they appear, decodes the plain
 * sections too, and turns a {@code +} into a space (it uses URLDecoder); hence this class.
 */
final class ParameterValues {

    private static final Pattern SECTION = Pattern.compile("\\*(\\d{1,3})(\\*?)");

    private ParameterValues() {
    }

    /** The decoded value of parameter {@code name} (lower case) among {@code parameters}, or null. */
    static String decoded(List<NameValuePair> parameters, String name) {
        if (parameters == null) {
            return null;
        }
        String plain = null;
        String extended = null;
        Map<Integer, NameValuePair> sections = new TreeMap<>();
        for (NameValuePair p : parameters) {
            String n = p.getName() == null ? "" : p.getName().trim().toLowerCase(Locale.ROOT);
            if (!n.startsWith(name) || p.getValue() == null) {
                continue;
            }
            String rest = n.substring(name.length());
            Matcher section = SECTION.matcher(rest);
            if (rest.isEmpty() && plain == null) {
                plain = p.getValue();
            } else if (rest.equals("*") && extended == null) {
                extended = p.getValue();
            } else if (section.matches()) {
                sections.putIfAbsent(Integer.parseInt(section.group(1)), new NameValuePair(section.group(2),
                        p.getValue()));
            }
        }
        if (extended != null) {
            return extended(extended);
        }
        if (!sections.isEmpty()) {
            return continued(sections);
        }
        return plain == null ? null : words(plain);
    }

    /** {@code charset'language'percent-encoded}; without the quotes, the value as written. */
    private static String extended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return words(value);
        }
        return text(percentDecoded(value.substring(second + 1)), value.substring(0, first));
    }

    /** Sections in number order; the name of each value here is "*" when the section is percent-encoded. */
    private static String continued(Map<Integer, NameValuePair> sections) {
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        String charset = null;
        boolean firstSection = true;
        for (NameValuePair section : sections.values()) {
            String value = section.getValue();
            boolean encoded = section.getName().equals("*");
            if (encoded && firstSection) {
                int first = value.indexOf('\'');
                int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
                if (second >= 0) {
                    charset = value.substring(0, first);
                    value = value.substring(second + 1);
                }
            }
            octets.writeBytes(encoded ? percentDecoded(value) : value.getBytes(known(charset)));
            firstSection = false;
        }
        return charset == null ? words(octets.toString(StandardCharsets.UTF_8)) : text(octets.toByteArray(), charset);
    }

    /**
     * The charset a section that is not percent-encoded is put back into octets with: the parser decoded it (UTF-8
     * when its octets were), and the sections are joined as octets.
     */
    private static Charset known(String charset) {
        try {
            return charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset.trim());
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static byte[] percentDecoded(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi = c == '%' && i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c); // a stray % (or a character outside ASCII) is kept as it is
            }
        }
        return out.toByteArray();
    }

    /**
     * A plain value. Mime4j's field parser already decodes raw UTF-8 octets and the encoded-words of a quoted value;
     * what it left (one char per octet, as older versions do) is decoded here: octets that are valid UTF-8 as UTF-8,
     * then encoded-words.
     */
    private static String words(String value) {
        String text = value.chars().allMatch(c -> c <= 0xFF)
                ? text(value.getBytes(StandardCharsets.ISO_8859_1), null)
                : value;
        return text.contains("=?") ? DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT) : text;
    }

    /** Octets in {@code charset} when it is known, else UTF-8 when they are valid UTF-8, else ISO-8859-1. */
    static String text(byte[] octets, String charset) {
        if (charset != null && !charset.isBlank()) {
            try {
                return new String(octets, Charset.forName(charset.trim()));
            } catch (IllegalArgumentException e) {
                // unknown or illegal name: guess below
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            return new String(octets, StandardCharsets.ISO_8859_1);
        }
    }
}
