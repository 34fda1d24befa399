package dev.pop3raw.camel;

import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;

import dev.pop3raw.client.TlsMode;
import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.oauth2.RefreshTokenStore;

/**
 * The options of a {@code pop3raw:} endpoint that say which server to reach and how to log in: host and port, TLS,
 * proxy, timeouts, credentials and OAuth2. {@link Pop3RawConfiguration} adds what the consumer does with the
 * mailbox; the two are one set of endpoint options (this class only keeps each file to one concern).
 */
@UriParams
public abstract class Pop3RawServerConfiguration {

    @UriPath
    @Metadata(required = true)
    private String host;
    @UriPath
    private int port;

    @UriParam(label = "security", defaultValue = "auto", enums = "auto,none,starttls,implicit")
    private TlsMode tls = TlsMode.AUTO;
    @UriParam(label = "security")
    private SSLContextParameters sslContextParameters;
    @UriParam(label = "security", defaultValue = "true")
    private boolean hostnameVerification = true;
    @UriParam(label = "security")
    private String pinnedCertificateSha256;
    @UriParam(label = "proxy")
    private String proxyHost;
    @UriParam(label = "proxy", defaultValue = "1080")
    private int proxyPort = 1080;
    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration")
    private long connectTimeout = 10_000;
    @UriParam(label = "advanced", defaultValue = "60000", javaType = "java.time.Duration")
    private long readTimeout = 60_000;

    @UriParam(label = "security", description = "The mailbox user name. With host and port it forms the mailbox identity"
            + " that namespaces idempotent keys.")
    private String username;
    @UriParam(label = "security", secret = true)
    private String password;
    @UriParam(label = "security", defaultValue = "auto", enums = "auto,USER,APOP,OAUTHBEARER,XOAUTH2,SCRAM-SHA-256,"
            + "CRAM-SHA256,CRAM-SHA1,CRAM-MD5,PLAIN,LOGIN")
    private String authMechanism = "auto";
    @UriParam(label = "security")
    private AccessTokenProvider accessTokenProvider;
    @UriParam(label = "security", defaultValue = "false")
    private boolean allowCleartextAuth;

    @UriParam(label = "security", enums = "google,microsoft,custom")
    private OAuth2Provider oauth2Provider;
    @UriParam(label = "security", defaultValue = "common")
    private String oauth2Tenant = "common";
    @UriParam(label = "security")
    private String oauth2TokenEndpoint;
    @UriParam(label = "security")
    private String oauth2ClientId;
    @UriParam(label = "security", secret = true)
    private String oauth2ClientSecret;
    @UriParam(label = "security", secret = true)
    private String oauth2RefreshToken;
    @UriParam(label = "security")
    private String oauth2Scope;
    @UriParam(label = "security", defaultValue = "auto", enums = "auto,refresh_token,client_credentials")
    private OAuth2Grant oauth2Grant = OAuth2Grant.AUTO;
    @UriParam(label = "security")
    private String oauth2RefreshTokenFile;
    @UriParam(label = "security,advanced")
    private RefreshTokenStore oauth2RefreshTokenStore;

    /** The port connected to: the configured one, or the TLS mode's default (995 for implicit TLS, else 110). */
    public int effectivePort() {
        return port > 0 ? port : (tls == null ? TlsMode.AUTO : tls).defaultPort();
    }

    public String getHost() {
        return host;
    }

    /** The POP3 server's host name or IP address. */
    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    /**
     * The POP3 server's port. When not set: 995 with tls=implicit, otherwise 110 (with tls=auto, port 995 means
     * implicit TLS).
     */
    public void setPort(int port) {
        this.port = port;
    }

    public TlsMode getTls() {
        return tls;
    }

    /**
     * How the session is protected by TLS: auto (implicit TLS on port 995, otherwise STLS when the server offers
     * it), none (plain; credentials cross in clear only to loopback or with allowCleartextAuth), starttls (STLS is
     * required: the poll fails if the server does not offer it), or implicit (TLS from the first byte).
     */
    public void setTls(TlsMode tls) {
        this.tls = tls;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    /**
     * The TLS configuration (trust store, key store, protocols) for implicit TLS and STLS. By default the JVM's
     * trust store is used and the server certificate and host name are checked.
     */
    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isHostnameVerification() {
        return hostnameVerification;
    }

    /**
     * Whether the server certificate must name the host connected to (default true). WARNING: false accepts any
     * certificate the trust store trusts, for any name, so anyone holding such a certificate (for a name of their
     * own) can impersonate the server and receive the password. Turn it off only together with
     * pinnedCertificateSha256, or on a test bench.
     */
    public void setHostnameVerification(boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public String getPinnedCertificateSha256() {
        return pinnedCertificateSha256;
    }

    /**
     * Pins the server certificate: the SHA-256 fingerprint of the server's own certificate (DER), in hex, colons
     * and case ignored (as printed by openssl x509 -noout -fingerprint -sha256). After the TLS handshake the
     * session is dropped, before logging in, unless the certificate has this fingerprint. The usual checks
     * (trust store, host name) still apply; a pin replaced by a renewed certificate fails every poll until updated.
     */
    public void setPinnedCertificateSha256(String pinnedCertificateSha256) {
        this.pinnedCertificateSha256 = pinnedCertificateSha256;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    /**
     * Connects through this SOCKS proxy (SOCKS5, or SOCKS4 when the proxy offers only that). The proxy resolves the
     * POP3 server's host name. Behind a proxy the server's address is unknown, so loopback is not exempt from the
     * TLS requirement of allowCleartextAuth.
     */
    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public int getProxyPort() {
        return proxyPort;
    }

    /** The SOCKS proxy's port (default 1080); used with proxyHost. */
    public void setProxyPort(int proxyPort) {
        this.proxyPort = proxyPort;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    /** How long to wait for the TCP connection and the TLS handshake, in milliseconds. Must be positive. */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getReadTimeout() {
        return readTimeout;
    }

    /** How long to wait for any single read from the server, in milliseconds. Must be positive. */
    public void setReadTimeout(long readTimeout) {
        this.readTimeout = readTimeout;
    }

    public String getUsername() {
        return username;
    }

    /** The mailbox user name. Part of the mailbox identity (user{@literal @}host:port) that namespaces idempotent keys. */
    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    /** The password. Masked in the endpoint URI and never logged. */
    public void setPassword(String password) {
        this.password = password;
    }

    public String getAuthMechanism() {
        return authMechanism;
    }

    /**
     * How to log in: auto (the strongest method the server offers for the credentials given), USER (USER/PASS),
     * APOP, or a SASL mechanism: OAUTHBEARER, XOAUTH2, SCRAM-SHA-256, CRAM-SHA256, CRAM-SHA1, CRAM-MD5, PLAIN or
     * LOGIN. Case does not matter. Any other value is refused when the route starts.
     */
    public void setAuthMechanism(String authMechanism) {
        this.authMechanism = authMechanism;
    }

    public AccessTokenProvider getAccessTokenProvider() {
        return accessTokenProvider;
    }

    /**
     * Supplies OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER (a bean implementing
     * dev.pop3raw.client.sasl.AccessTokenProvider). Tokens are never logged. Not needed with the oauth2 options
     * (oauth2Provider, oauth2ClientId, ...), which build one; when set, it wins over them.
     */
    public void setAccessTokenProvider(AccessTokenProvider accessTokenProvider) {
        this.accessTokenProvider = accessTokenProvider;
    }

    public boolean isAllowCleartextAuth() {
        return allowCleartextAuth;
    }

    /**
     * Allows a password or token to be sent over an unencrypted connection to a host that is not loopback. Off by
     * default: without TLS the login is refused.
     */
    public void setAllowCleartextAuth(boolean allowCleartextAuth) {
        this.allowCleartextAuth = allowCleartextAuth;
    }

    public OAuth2Provider getOauth2Provider() {
        return oauth2Provider;
    }

    /**
     * Gets access tokens for XOAUTH2 / OAUTHBEARER from this identity provider, so that no accessTokenProvider bean
     * is needed: google (token endpoint https://oauth2.googleapis.com/token, refresh-token grant), microsoft
     * (https://login.microsoftonline.com/{oauth2Tenant}/oauth2/v2.0/token; scope POP.AccessAsUser.All with a refresh
     * token, https://outlook.office365.com/.default with client credentials) or custom (oauth2TokenEndpoint). Needs
     * oauth2ClientId. An accessTokenProvider bean, when set, wins over all oauth2 options.
     */
    public void setOauth2Provider(OAuth2Provider oauth2Provider) {
        this.oauth2Provider = oauth2Provider;
    }

    public String getOauth2Tenant() {
        return oauth2Tenant;
    }

    /**
     * With oauth2Provider=microsoft: the Entra ID tenant (its id or a domain such as contoso.onmicrosoft.com).
     * common (the default) suits the refresh-token grant of a multi-tenant or personal-account app; the
     * client_credentials grant needs the tenant itself.
     */
    public void setOauth2Tenant(String oauth2Tenant) {
        this.oauth2Tenant = oauth2Tenant;
    }

    public String getOauth2TokenEndpoint() {
        return oauth2TokenEndpoint;
    }

    /**
     * The OAuth 2.0 token endpoint URL (https; http only to loopback). Required with oauth2Provider=custom; with
     * google or microsoft it replaces the provider's endpoint (a proxy, a sovereign cloud). The requests use
     * connectTimeout and readTimeout.
     */
    public void setOauth2TokenEndpoint(String oauth2TokenEndpoint) {
        this.oauth2TokenEndpoint = oauth2TokenEndpoint;
    }

    public String getOauth2ClientId() {
        return oauth2ClientId;
    }

    /** The OAuth client id (Google: the OAuth client's id; Microsoft: the app registration's application id). */
    public void setOauth2ClientId(String oauth2ClientId) {
        this.oauth2ClientId = oauth2ClientId;
    }

    public String getOauth2ClientSecret() {
        return oauth2ClientSecret;
    }

    /**
     * The OAuth client secret. Google needs it; a Microsoft public client (mobile and desktop app registration) has
     * none; the client_credentials grant always needs it.
     */
    public void setOauth2ClientSecret(String oauth2ClientSecret) {
        this.oauth2ClientSecret = oauth2ClientSecret;
    }

    public String getOauth2RefreshToken() {
        return oauth2RefreshToken;
    }

    /**
     * The refresh token obtained once with the user's consent; it selects the refresh-token grant. When
     * oauth2RefreshTokenFile holds a token (saved after the provider rotated it), that one is used instead.
     */
    public void setOauth2RefreshToken(String oauth2RefreshToken) {
        this.oauth2RefreshToken = oauth2RefreshToken;
    }

    public String getOauth2Scope() {
        return oauth2Scope;
    }

    /**
     * The scope asked for, space separated. By default: none for google (a refresh keeps the scope granted, which must
     * include https://mail.google.com/), https://outlook.office.com/POP.AccessAsUser.All offline_access for
     * microsoft with a refresh token, https://outlook.office365.com/.default for microsoft with client credentials,
     * none for custom.
     */
    public void setOauth2Scope(String oauth2Scope) {
        this.oauth2Scope = oauth2Scope;
    }

    public OAuth2Grant getOauth2Grant() {
        return oauth2Grant;
    }

    /**
     * The OAuth 2.0 grant: refresh_token, client_credentials, or auto (refresh_token when oauth2RefreshToken,
     * oauth2RefreshTokenFile or oauth2RefreshTokenStore is set, otherwise client_credentials).
     */
    public void setOauth2Grant(OAuth2Grant oauth2Grant) {
        this.oauth2Grant = oauth2Grant;
    }

    public String getOauth2RefreshTokenFile() {
        return oauth2RefreshTokenFile;
    }

    /**
     * A file that keeps the newest refresh token across restarts. Microsoft rotates refresh tokens: each new one is
     * written there (atomically, readable by the owner only where the file system has POSIX permissions), and a token
     * found there at start wins over oauth2RefreshToken. Without it (and without oauth2RefreshTokenStore) a rotated
     * token is kept in memory only.
     */
    public void setOauth2RefreshTokenFile(String oauth2RefreshTokenFile) {
        this.oauth2RefreshTokenFile = oauth2RefreshTokenFile;
    }

    public RefreshTokenStore getOauth2RefreshTokenStore() {
        return oauth2RefreshTokenStore;
    }

    /**
     * Where the refresh token is kept across restarts when a file will not do (a vault, a database): a bean
     * implementing dev.pop3raw.oauth2.RefreshTokenStore. Not together with oauth2RefreshTokenFile.
     */
    public void setOauth2RefreshTokenStore(RefreshTokenStore oauth2RefreshTokenStore) {
        this.oauth2RefreshTokenStore = oauth2RefreshTokenStore;
    }

    /** Whether any option that asks for endpoint-built OAuth2 tokens is set (the defaulted ones do not count). */
    boolean hasOAuth2Options() {
        return oauth2Provider != null || oauth2TokenEndpoint != null || oauth2ClientId != null
                || oauth2ClientSecret != null || oauth2RefreshToken != null || oauth2RefreshTokenFile != null
                || oauth2RefreshTokenStore != null;
    }
}
