package dev.pop3raw.client;

import java.net.Proxy;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * How a {@link Pop3Client} connects. Immutable; make one with {@link #builder()}. Every timeout is finite: a
 * zero or negative value is refused, since an unbounded wait is how a broken server hangs a poller.
 */
public final class Pop3ClientOptions {

    /** The default bound of a status or listing line, far above RFC 1939's 512 octets and far below harm. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;
    /** The largest {@code maxLineLength}: a line and its CRLF must fit the 64 KiB session buffer. */
    public static final int MAX_LINE_LENGTH = 64 * 1024 - 2;

    private final TlsMode tlsMode;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLContext sslContext;
    private final boolean hostnameVerification;
    private final String pinnedCertificateSha256;
    private final Proxy proxy;
    private final boolean allowCleartextAuth;
    private final boolean pipelining;
    private final int pipelineWindow;
    private final int maxLineLength;
    private final int maxListingEntries;
    private final int debugLevel;
    private final boolean loopbackIsTrusted;

    private Pop3ClientOptions(Builder b) {
        this.tlsMode = b.tlsMode;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.sslContext = b.sslContext;
        this.hostnameVerification = b.hostnameVerification;
        this.pinnedCertificateSha256 = b.pinnedCertificateSha256;
        this.proxy = b.proxy;
        this.allowCleartextAuth = b.allowCleartextAuth;
        this.pipelining = b.pipelining;
        this.pipelineWindow = b.pipelineWindow;
        this.maxLineLength = b.maxLineLength;
        this.maxListingEntries = b.maxListingEntries;
        this.debugLevel = b.debugLevel;
        this.loopbackIsTrusted = b.loopbackIsTrusted;
    }

    /** Options with the defaults: TLS {@code AUTO}, 10 s connect, 60 s read, pipelining on. */
    public static Pop3ClientOptions defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tlsMode = tlsMode;
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.sslContext = sslContext;
        b.hostnameVerification = hostnameVerification;
        b.pinnedCertificateSha256 = pinnedCertificateSha256;
        b.proxy = proxy;
        b.allowCleartextAuth = allowCleartextAuth;
        b.pipelining = pipelining;
        b.pipelineWindow = pipelineWindow;
        b.maxLineLength = maxLineLength;
        b.maxListingEntries = maxListingEntries;
        b.debugLevel = debugLevel;
        b.loopbackIsTrusted = loopbackIsTrusted;
        return b;
    }

    /** How the session is protected; default {@link TlsMode#AUTO}. */
    public TlsMode tlsMode() {
        return tlsMode;
    }

    /** The bound on the TCP connect and the TLS handshake. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The bound on any single wait for the server, and on a whole status line. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** The caller's SSLContext, or {@code null} for the JVM default trust. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Whether the certificate must name the host connected to. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** The lower-case hex SHA-256 of the server certificate the client insists on, or {@code null}. */
    public String pinnedCertificateSha256() {
        return pinnedCertificateSha256;
    }

    /** The proxy to connect through, or {@code null} for a direct connection. */
    public Proxy proxy() {
        return proxy;
    }

    /** Whether secrets may cross an unencrypted connection to a remote host. */
    public boolean allowCleartextAuth() {
        return allowCleartextAuth;
    }

    /** Whether commands are pipelined when the server advertises PIPELINING. */
    public boolean pipelining() {
        return pipelining;
    }

    /** How many RETR commands a {@link RetrievalBatch} keeps in flight. */
    public int pipelineWindow() {
        return pipelineWindow;
    }

    /** The longest status or listing line accepted, in octets. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** The most lines a LIST or UIDL reply may have. */
    public int maxListingEntries() {
        return maxListingEntries;
    }

    /** The initial debug level (0, 1 or 2). */
    public int debugLevel() {
        return debugLevel;
    }

    /** Whether secrets may cross an unencrypted connection to a loopback address (nothing leaves the host). */
    boolean loopbackIsTrusted() {
        return loopbackIsTrusted;
    }

    /** Builds {@link Pop3ClientOptions}; each setter checks its argument at once. */
    public static final class Builder {
        private TlsMode tlsMode = TlsMode.AUTO;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private SSLContext sslContext;
        private boolean hostnameVerification = true;
        private String pinnedCertificateSha256;
        private Proxy proxy;
        private boolean allowCleartextAuth;
        private boolean pipelining = true;
        private int pipelineWindow = 32;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private int maxListingEntries = 5_000_000;
        private int debugLevel;
        private boolean loopbackIsTrusted = true;

        private Builder() {
        }

        /** TLS mode; default {@link TlsMode#AUTO}. */
        public Builder tlsMode(TlsMode tlsMode) {
            this.tlsMode = Objects.requireNonNull(tlsMode, "tlsMode");
            return this;
        }

        /** How long to wait for the TCP connection (and TLS handshake); default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for any single read from the server; default 60 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** The SSLContext for implicit TLS and STLS; default the JVM's, which checks the certificate chain. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Whether the server certificate must name the host connected to; default true. Turn off only with
         * certificate pinning or on a test bench.
         */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /**
         * Pins the server certificate: after the handshake, the SHA-256 of the server's own certificate (DER)
         * must equal this hex string (colons and case ignored), in addition to the usual checks.
         */
        public Builder pinnedCertificateSha256(String hex) {
            if (hex == null || hex.isBlank()) {
                this.pinnedCertificateSha256 = null;
                return this;
            }
            String normalized = hex.replace(":", "").trim().toLowerCase(Locale.ROOT);
            try {
                if (HexFormat.of().parseHex(normalized).length != 32) {
                    throw new IllegalArgumentException("pinnedCertificateSha256 must be 32 bytes of hex");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pinnedCertificateSha256 is not a SHA-256 hex fingerprint", e);
            }
            this.pinnedCertificateSha256 = normalized;
            return this;
        }

        /** A SOCKS (or HTTP) proxy to connect through; {@code null} connects directly. */
        public Builder proxy(Proxy proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * Allows a password or token to cross an unencrypted connection to a host that is not loopback; default
         * false. Challenge-response mechanisms (APOP, CRAM-MD5, SCRAM) never send the secret and need no
         * permission.
         */
        public Builder allowCleartextAuth(boolean allow) {
            this.allowCleartextAuth = allow;
            return this;
        }

        /** Whether to pipeline commands when the server advertises PIPELINING; default true. */
        public Builder pipelining(boolean pipelining) {
            this.pipelining = pipelining;
            return this;
        }

        /** How many RETR commands a batch keeps in flight when pipelining; default 32, 1 to 1000. */
        public Builder pipelineWindow(int window) {
            if (window < 1 || window > 1000) {
                throw new IllegalArgumentException("pipelineWindow must be between 1 and 1000, was " + window);
            }
            this.pipelineWindow = window;
            return this;
        }

        /**
         * The longest status or listing line accepted, in octets; default 8192, 512 (RFC 1939) to 65,534 (the
         * session buffer).
         */
        public Builder maxLineLength(int octets) {
            if (octets < 512 || octets > MAX_LINE_LENGTH) {
                throw new IllegalArgumentException("maxLineLength must be between 512 (RFC 1939) and " + MAX_LINE_LENGTH
                        + ", was " + octets);
            }
            this.maxLineLength = octets;
            return this;
        }

        /** The most entries a listing (LIST, UIDL, CAPA) may have before it is refused; default 5,000,000. */
        public Builder maxListingEntries(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxListingEntries must be positive, was " + entries);
            }
            this.maxListingEntries = entries;
            return this;
        }

        /** 0: quiet; 1: a line per command; 2: every line on the wire (secrets redacted). Default 0. */
        public Builder debugLevel(int level) {
            if (level < 0 || level > 2) {
                throw new IllegalArgumentException("debugLevel must be 0, 1 or 2, was " + level);
            }
            this.debugLevel = level;
            return this;
        }

        /** For tests: treat a loopback server like a remote one in the cleartext check. */
        Builder loopbackIsTrusted(boolean trusted) {
            this.loopbackIsTrusted = trusted;
            return this;
        }

        /** The immutable options. */
        public Pop3ClientOptions build() {
            return new Pop3ClientOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(
                        name + " must be positive (an unbounded wait is never allowed), was " + d);
            }
            if (d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " is too long: " + d);
            }
            return d;
        }
    }
}
