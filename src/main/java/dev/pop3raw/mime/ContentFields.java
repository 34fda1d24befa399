package dev.pop3raw.mime;

import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * The fields of one entity's header that say what its content is, parsed by Mime4j's field parser (quoting,
 * comments, folding) and decoded here: Content-Type (its charset and name), Content-Disposition (its type and
 * filename) and Content-ID. The first of each field counts.
 */
final class ContentFields {

    private List<NameValuePair> typeParameters;
    private String disposition;
    private List<NameValuePair> dispositionParameters;
    private String contentId;

    void add(Field field) {
        String name = field.getName().toLowerCase(Locale.ROOT);
        switch (name) {
            case "content-type" -> {
                if (typeParameters == null) {
                    typeParameters = parse(field).getParams();
                }
            }
            case "content-disposition" -> {
                if (disposition == null) {
                    RawBody body = parse(field);
                    disposition = body.getValue() == null ? "" : body.getValue().trim().toLowerCase(Locale.ROOT);
                    dispositionParameters = body.getParams();
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

    /** The charset parameter of Content-Type as declared, lower case, or null. */
    String charset() {
        String charset = ParameterValues.decoded(typeParameters, "charset");
        return charset == null || charset.isBlank() ? null : charset.trim().toLowerCase(Locale.ROOT);
    }

    /** The Content-Disposition type, lower case ("attachment", "inline"), or null without the field. */
    String disposition() {
        return disposition == null || disposition.isEmpty() ? null : disposition;
    }

    /** The filename of Content-Disposition, else the name of Content-Type (older mailers), decoded; or null. */
    String fileName() {
        String name = ParameterValues.decoded(dispositionParameters, "filename");
        if (name == null || name.isBlank()) {
            name = ParameterValues.decoded(typeParameters, "name");
        }
        return name == null || name.isBlank() ? null : name.trim();
    }

    String contentId() {
        return contentId;
    }
}
