package dev.pop3raw.client;

import java.util.Locale;
import java.util.Objects;

/**
 * An extended response code (RFC 2449 section 8, RFC 3206): the bracketed word at the start of a status
 * line's text, such as {@code [IN-USE]}. Codes are hierarchical ({@code SYS/TEMP} is below {@code SYS}), so
 * compare with {@link #isA(ResponseCode)}.
 */
public final class ResponseCode {

    /** The maildrop is locked by another session (RFC 2449). Retry later. */
    public static final ResponseCode IN_USE = new ResponseCode("IN-USE");
    /** The server limits how often a user may log in (RFC 2449). Retry after the advertised delay. */
    public static final ResponseCode LOGIN_DELAY = new ResponseCode("LOGIN-DELAY");
    /** A system failure (RFC 3206); see {@link #SYS_TEMP} and {@link #SYS_PERM}. */
    public static final ResponseCode SYS = new ResponseCode("SYS");
    /** A transient system failure: the same request may succeed later (RFC 3206). */
    public static final ResponseCode SYS_TEMP = new ResponseCode("SYS/TEMP");
    /** A permanent system failure: do not retry without intervention (RFC 3206). */
    public static final ResponseCode SYS_PERM = new ResponseCode("SYS/PERM");
    /** The credentials were rejected (RFC 3206). */
    public static final ResponseCode AUTH = new ResponseCode("AUTH");
    /** The maildrop holds UTF-8 that the client must accept with the UTF8 command (RFC 6856). */
    public static final ResponseCode UTF8 = new ResponseCode("UTF8");

    private final String value;

    private ResponseCode(String value) {
        this.value = value;
    }

    /** A code by name, upper-cased, e.g. {@code of("in-use")} equals {@link #IN_USE}. */
    public static ResponseCode of(String value) {
        return new ResponseCode(value.toUpperCase(Locale.ROOT));
    }

    /**
     * The response code at the start of a status line's text ({@code "[IN-USE] locked"}), or {@code null} when
     * the text does not start with a well-formed bracketed code.
     */
    public static ResponseCode parse(String statusText) {
        if (statusText == null || !statusText.startsWith("[")) {
            return null;
        }
        int end = statusText.indexOf(']');
        if (end < 2) {
            return null;
        }
        String code = statusText.substring(1, end);
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c <= ' ' || c > '~') {
                return null;
            }
        }
        return of(code);
    }

    /** The code as sent, e.g. {@code SYS/TEMP}. */
    public String value() {
        return value;
    }

    /** Whether this code is {@code other} or below it in the hierarchy ({@code SYS/TEMP} is a {@code SYS}). */
    public boolean isA(ResponseCode other) {
        return value.equals(other.value) || value.startsWith(other.value + "/");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResponseCode && ((ResponseCode) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return "[" + value + "]";
    }
}
