package dev.pop3raw.camel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/**
 * A multipart message with a text part and one large base64 attachment (huge.pdf), generated while it is sent and never
 * held: the attachment is {@code blocks} blocks of 58,368 octets (1,024 base64 lines of 76 characters each), each a
 * fixed random block with its number in its first eight octets. It digests the attachment's octets as it encodes them
 * ({@link #attachmentSha256()}), so that a test can compare with what a route decoded.
 */
final class HugeAttachmentMessage implements SyntheticPop3Server.Content {

    static final int BLOCK = 57 * 1024;
    private static final int ENCODED_BLOCK = 1024 * 78;
    private static final byte[] HEAD = ("From: Scanner <scanner@pop3raw.example>\r\nTo: you@pop3raw.example\r\n"
            + "Subject: huge attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"huge\"\r\n\r\n"
            + "--huge\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe scan is attached.\r\n"
            + "--huge\r\nContent-Type: application/pdf; name=\"huge.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"huge.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "--huge--\r\n".getBytes(StandardCharsets.US_ASCII);

    private final long blocks;
    private volatile String attachmentSha256;

    HugeAttachmentMessage(long blocks) {
        this.blocks = blocks;
    }

    /** The attachment's size in octets, decoded. */
    long attachmentOctets() {
        return blocks * BLOCK;
    }

    /** SHA-256 (hex) of the attachment's octets as last sent; null before. */
    String attachmentSha256() {
        return attachmentSha256;
    }

    @Override
    public long size() {
        return HEAD.length + blocks * ENCODED_BLOCK + TAIL.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        MessageDigest digest = SyntheticPop3Server.sha256();
        Base64.Encoder base64 = Base64.getMimeEncoder(76, new byte[]{'\r', '\n'});
        byte[] block = new byte[BLOCK];
        new Random(42).nextBytes(block);
        byte[] crlf = {'\r', '\n'};
        out.write(HEAD);
        for (long n = 0; n < blocks; n++) {
            for (int i = 0; i < 8; i++) {
                block[i] = (byte) (n >>> (8 * i));
            }
            digest.update(block);
            out.write(base64.encode(block));
            out.write(crlf);
        }
        out.write(TAIL);
        attachmentSha256 = HexFormat.of().formatHex(digest.digest());
    }
}
