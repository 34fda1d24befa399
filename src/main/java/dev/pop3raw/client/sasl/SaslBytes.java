package dev.pop3raw.client.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Byte helpers shared by the mechanisms: UTF-8, concatenation, HMAC, hex, and message sanitising.
 * Package-private because it is an implementation detail, not API.
 */
final class SaslBytes {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SaslBytes() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    /** Lower-case hex, as CRAM-MD5 (RFC 2195) requires. */
    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * A keyed {@link Mac}. {@link SecretKeySpec} refuses an empty key, but HMAC pads short keys with zero
     * bytes to the block size (RFC 2104 section 2), so the empty key is exactly the one-zero-byte key.
     * Substituting it lets an empty password still produce the RFC-defined result instead of crashing.
     */
    static Mac mac(String algorithm, byte[] key) {
        byte[] k = key.length == 0 ? new byte[1] : key;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(k, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must ship HmacMD5 and HmacSHA256, so this is a broken JRE.
            throw new IllegalStateException(algorithm + " is not available in this JRE", e);
        }
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] data) {
        return mac(algorithm, key).doFinal(data);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JRE", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= b[i];
        }
        return out;
    }

    /**
     * Makes server-supplied text safe to put into an exception message: printable ASCII only, bounded,
     * so a hostile server cannot inject line breaks into logs or flood them.
     */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    /** True when the text contains a character that would break a SASL framing (NUL, \x01, CR, LF, other C0/DEL). */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
