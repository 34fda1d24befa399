package dev.pop3raw.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import org.apache.camel.Message;
import org.apache.camel.StreamCache;

/**
 * The MIME corpus in src/test/resources/dev/pop3raw/mime/corpus (written by its generate.py): each message as raw
 * octets, and its manifest: one row per leaf part with what the part's headers must say and the SHA-256 of the octets
 * that were encoded into it.
 */
final class MimeCorpus {

    static final List<String> MESSAGES = List.of("outlook", "gmail", "apple", "rfc2231", "rfc2047", "forwarded",
            "malformed");

    private MimeCorpus() {
    }

    static byte[] message(String name) {
        return resource(name + ".eml");
    }

    /** The manifest rows of a message (or of "forwarded-inner", the parts inside forwarded.eml's message part). */
    static List<String> parts(String name) {
        List<String> rows = new ArrayList<>();
        for (String line : new String(resource(name + ".parts"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                rows.add(line);
            }
        }
        return rows;
    }

    /** The rows of the parts an attachment split delivers: declared attachment, named, or a whole message. */
    static List<String> attachmentRows(List<String> rows) {
        return rows.stream().filter(r -> {
            String[] f = r.split("\t", -1);
            return f[3].equals("attachment") || !f[4].isEmpty() || f[1].equals("message/rfc822");
        }).toList();
    }

    /** A split part as a manifest row: its headers, its octets and their SHA-256, and whether it has a problem. */
    static String row(Message part) {
        byte[] body = octets(part);
        String[] fields = {header(part, Pop3RawAttachmentConstants.PART),
                header(part, Pop3RawAttachmentConstants.CONTENT_TYPE), header(part, Pop3RawAttachmentConstants.CHARSET),
                header(part, Pop3RawAttachmentConstants.DISPOSITION),
                header(part, Pop3RawAttachmentConstants.ORIGINAL_FILE_NAME),
                header(part, Pop3RawAttachmentConstants.CONTENT_ID), String.valueOf(body.length), sha256(body),
                part.getHeader(Pop3RawAttachmentConstants.PROBLEM) != null ? "yes" : ""};
        if (!String.valueOf(body.length).equals(header(part, Pop3RawAttachmentConstants.SIZE))) {
            throw new AssertionError("size header " + header(part, Pop3RawAttachmentConstants.SIZE) + " but "
                    + body.length + " octets");
        }
        return String.join("\t", fields);
    }

    /** The whole body, from its first octet (a stream cache is rewound before and after). */
    static byte[] octets(Message part) {
        if (part.getBody() instanceof StreamCache cache) {
            cache.reset();
            byte[] octets = part.getBody(byte[].class);
            cache.reset();
            return octets;
        }
        return part.getBody(byte[].class);
    }

    static List<String> rows(Iterator<Message> parts) {
        List<String> rows = new ArrayList<>();
        parts.forEachRemaining(p -> rows.add(row(p)));
        return rows;
    }

    private static String header(Message m, String name) {
        return Objects.toString(m.getHeader(name), "");
    }

    static String sha256(byte[] octets) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(octets));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = MimeCorpus.class.getResourceAsStream("/dev/pop3raw/mime/corpus/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
