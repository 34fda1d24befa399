package dev.pop3raw.client;

/**
 * How a POP3 session is protected by TLS.
 */
public enum TlsMode {
    /** Implicit TLS on port 995, otherwise STLS when the server offers it, otherwise plain. */
    AUTO,
    /** Plain TCP; STLS is never attempted. */
    NONE,
    /** Plain TCP upgraded with STLS; the session stops if STLS is not offered or fails (RFC 2595). */
    STARTTLS,
    /** TLS from the first byte (RFC 8314, poplib's {@code POP3_SSL}). */
    IMPLICIT;

    /** The well-known port for this mode when the caller gave none: 995 for implicit TLS, else 110. */
    public int defaultPort() {
        return this == IMPLICIT ? 995 : 110;
    }
}
