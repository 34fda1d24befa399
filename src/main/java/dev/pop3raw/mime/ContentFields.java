package dev.pop3raw.mime;

import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.MimeUtil;

import dev.pop3raw.camel.MimeParameters;

/**
 * The fields of one entity's header that say what its content is: Content-Type (its charset and name),
 * Content-Disposition (its type and filename) and Content-ID. The first of each field counts. The parameters are
 * decoded from the field's octets by {@link MimeParameters}, as mapHeaders decodes them (RFC 2231, RFC 2047, raw
 * 8-bit octets): Mime4j's parsed parameters have already lost what is not UTF-8, and read charset labels as Java
 * does. The disposition type is read by Mime4j's field parser (quoting, comments).
 */
final class ContentFields {

    private byte[] contentType;
    private String disposition;
    private byte[] contentDisposition;
    private String contentId;

    void add(Field field) {
        String name = field.getName().toLowerCase(Locale.ROOT);
        switch (name) {
            case "content-type" -> {
                if (contentType == null) {
                    contentType = octets(field);
                }
            }
            case "content-disposition" -> {
                if (disposition == null) {
                    String type = parse(field).getValue();
                    disposition = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
                    contentDisposition = octets(field);
                }
            }
            case "content-id" -> {
                if (contentId == null) {
                    contentId = contentId(field.getBody());
                }
            }
            default -> {
                // not about the content
            }
        }
    }

    /** The field's octets as the message has them (name, colon, folded value); empty for a field built without. */
    private static byte[] octets(Field field) {
        ByteSequence raw = field.getRaw();
        return raw == null ? new byte[0] : raw.toByteArray();
    }

    private static RawBody parse(Field field) {
        RawField raw;
        if (field instanceof RawField r) {
            raw = r;
        } else {
            try {
                raw = RawFieldParser.DEFAULT.parseField(field.getRaw());
            } catch (MimeException e) {
                return RawFieldParser.DEFAULT.parseRawBody(new RawField(field.getName(), ""));
            }
        }
        return RawFieldParser.DEFAULT.parseRawBody(raw);
    }

    private static String contentId(String body) {
        if (body == null) {
            return null;
        }
        String id = MimeUtil.unfold(body).trim();
        if (id.startsWith("<") && id.endsWith(">") && id.length() >= 2) {
            id = id.substring(1, id.length() - 1).trim();
        }
        return id.isEmpty() ? null : id;
    }

    /** The decoded parameter {@code name} of {@code field}'s octets, or null without the field or the parameter. */
    private static String parameter(byte[] field, String name) {
        return field == null ? null : MimeParameters.parameter(field, name);
    }

    /** The charset parameter of Content-Type as declared, lower case, or null. */
    String charset() {
        String charset = parameter(contentType, "charset");
        return charset == null || charset.isBlank() ? null : charset.trim().toLowerCase(Locale.ROOT);
    }

    /** The Content-Disposition type, lower case ("attachment", "inline"), or null without the field. */
    String disposition() {
        return disposition == null || disposition.isEmpty() ? null : disposition;
    }

    /** The filename of Content-Disposition, else the name of Content-Type (older mailers), decoded; or null. */
    String fileName() {
        String name = parameter(contentDisposition, "filename");
        if (name == null || name.isBlank()) {
            name = parameter(contentType, "name");
        }
        return name == null || name.isBlank() ? null : name.trim();
    }

    String contentId() {
        return contentId;
    }
}
