package dev.pop3raw.client.sasl;

import java.util.Objects;

/**
 * What a SASL mechanism may use to log in: a user name plus a password, an OAuth 2.0
 * {@link AccessTokenProvider}, or both; and, for OAUTHBEARER, the server's host and port.
 * <p>
 * Immutable. {@link #toString()} never shows the password or the token provider (whose own
 * {@code toString()} might print a token), so credentials can be logged as part of a configuration dump.
 */
public final class SaslCredentials {

    private final String username;
    private final String password;
    private final AccessTokenProvider tokenProvider;
    private final String host;
    private final int port;
    private final boolean xoauth2TwoLine;

    private SaslCredentials(Builder b) {
        this.username = Objects.requireNonNull(b.username, "username");
        this.password = b.password;
        this.tokenProvider = b.tokenProvider;
        this.host = b.host;
        this.port = b.port;
        this.xoauth2TwoLine = b.xoauth2TwoLine;
        if (password == null && tokenProvider == null) {
            throw new IllegalArgumentException("credentials for user " + username
                    + " need a password or an access token provider");
        }
    }

    /** Credentials for the password mechanisms (SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN). */
    public static SaslCredentials ofPassword(String username, String password) {
        return builder(username).password(password).build();
    }

    /** Credentials for the OAuth 2.0 mechanisms (OAUTHBEARER, XOAUTH2). */
    public static SaslCredentials ofToken(String username, AccessTokenProvider tokenProvider) {
        return builder(username).tokenProvider(tokenProvider).build();
    }

    /** A builder for the less common combinations (both secrets, server address, XOAUTH2 two-line form). */
    public static Builder builder(String username) {
        return new Builder(username);
    }

    /** A builder pre-filled with these credentials, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(username);
        b.password = password;
        b.tokenProvider = tokenProvider;
        b.host = host;
        b.port = port;
        b.xoauth2TwoLine = xoauth2TwoLine;
        return b;
    }

    /** The mailbox user (the SASL authentication identity). */
    public String username() {
        return username;
    }

    /** The password, or {@code null} when only a token provider was given. */
    public String password() {
        return password;
    }

    /** Whether a password was given, i.e. whether the password mechanisms can be used. */
    public boolean hasPassword() {
        return password != null;
    }

    /** The token provider, or {@code null} when only a password was given. */
    public AccessTokenProvider tokenProvider() {
        return tokenProvider;
    }

    /** Whether a token provider was given, i.e. whether the OAuth mechanisms can be used. */
    public boolean hasTokenProvider() {
        return tokenProvider != null;
    }

    /** The server host name OAUTHBEARER reports ({@code host=}), or {@code null} to leave it out. */
    public String host() {
        return host;
    }

    /** The server port OAUTHBEARER reports ({@code port=}), or 0 to leave it out. */
    public int port() {
        return port;
    }

    /**
     * Whether XOAUTH2 must use the two-line form (Microsoft 365): {@code AUTH XOAUTH2}, wait for the empty
     * {@code +}, then send the token, instead of sending it as an initial response.
     */
    public boolean xoauth2TwoLine() {
        return xoauth2TwoLine;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SaslCredentials)) {
            return false;
        }
        SaslCredentials c = (SaslCredentials) o;
        return port == c.port && xoauth2TwoLine == c.xoauth2TwoLine && username.equals(c.username)
                && Objects.equals(password, c.password) && Objects.equals(tokenProvider, c.tokenProvider)
                && Objects.equals(host, c.host);
    }

    @Override
    public int hashCode() {
        // The password is deliberately left out: a hash code can end up in logs and debuggers.
        return Objects.hash(username, host, port, xoauth2TwoLine);
    }

    /** Shows the user and the server, and only whether a password or token provider is present. */
    @Override
    public String toString() {
        return "SaslCredentials[username=" + username
                + ", password=" + (password == null ? "none" : "***")
                + ", tokenProvider=" + (tokenProvider == null ? "none" : "***")
                + (host == null ? "" : ", host=" + host)
                + (port == 0 ? "" : ", port=" + port)
                + ", xoauth2TwoLine=" + xoauth2TwoLine + "]";
    }

    /** Builds {@link SaslCredentials}; at least a password or a token provider is required. */
    public static final class Builder {
        private final String username;
        private String password;
        private AccessTokenProvider tokenProvider;
        private String host;
        private int port;
        private boolean xoauth2TwoLine;

        private Builder(String username) {
            this.username = Objects.requireNonNull(username, "username");
        }

        /** Sets the password for the password mechanisms. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Sets the token provider for the OAuth mechanisms. */
        public Builder tokenProvider(AccessTokenProvider tokenProvider) {
            this.tokenProvider = tokenProvider;
            return this;
        }

        /**
         * Sets the server address OAUTHBEARER reports.
         *
         * @param host the host name the client connected to, or {@code null} to leave it out
         * @param port 1..65535, or 0 to leave it out
         */
        public Builder server(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (unknown) or 1..65535, was " + port);
            }
            if (host != null && SaslBytes.hasControl(host)) {
                throw new IllegalArgumentException("host must not contain control characters");
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /** Selects the XOAUTH2 two-line form (Microsoft 365). */
        public Builder xoauth2TwoLine(boolean twoLine) {
            this.xoauth2TwoLine = twoLine;
            return this;
        }

        /**
         * @throws IllegalArgumentException when neither a password nor a token provider was set
         */
        public SaslCredentials build() {
            return new SaslCredentials(this);
        }
    }
}
