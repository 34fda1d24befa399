package dev.pop3raw.camel.springboot;

import java.time.Duration;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.pop3raw.camel.ClaimMode;
import dev.pop3raw.camel.InitialBacklog;
import dev.pop3raw.camel.OAuth2Grant;
import dev.pop3raw.camel.OAuth2Provider;
import dev.pop3raw.camel.OversizeAction;
import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.oauth2.RefreshTokenStore;

/**
 * The {@code pop3raw} component's options as Spring Boot properties, {@code camel.component.pop3raw.*}: the defaults
 * of every {@code pop3raw:} endpoint. An option left unset (null) keeps the component's default. The options and their
 * descriptions follow the component's metadata (META-INF/dev/pop3raw/camel/pop3raw.json in the component jar);
 * StarterOptionsTest fails when the component gains an option this class lacks.
 */
@ConfigurationProperties(prefix = "camel.component.pop3raw")
public class Pop3RawComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as
     * a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook
     * into the 3rd party component and make this possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored. Default: false.
     */
    private Boolean bridgeErrorHandler;

    /**
     * Deletes each message from the server once its exchange completed successfully (DELE, committed by QUIT). A
     * failed exchange never deletes: the message is offered again at the next poll. Either delete=true or an
     * idempotentRepository (or both) is required. Default: false.
     */
    private Boolean delete;

    /**
     * Remembers the messages already processed, keyed by mailbox identity (user name, host, port) and UIDL, so that a
     * message in the repository is not retrieved again. The key is added once the message was processed. With a
     * repository shared by several consumers, a lease (see claims) keeps the others away while the message is
     * processed. Use a persistent repository: an in-memory one forgets everything at restart and the whole mailbox is
     * consumed again. A bean reference: #beanName.
     */
    private IdempotentRepository idempotentRepository;

    /**
     * The largest message retrieved, in octets as the server lists them (LIST); a larger message is handled per
     * oversizeAction without being retrieved. It also bounds the octets really received: a message that turns out
     * larger than its LIST size said stops the retrieval and its session is dropped without deleting anything; the
     * consumer then remembers the message (in memory), handles it per oversizeAction without retrieving it again, and
     * opens a fresh session in the same poll to commit the deletions and go on with the other messages. 0 means no
     * limit (then a server that sends a message without end fills the stream cache's disk). Default: 0.
     */
    private Long maxMessageSize;

    /**
     * What to do with the mail already in the mailbox when the consumer first polls it with a new idempotent
     * repository. process (default): it is processed like any message. skip: at the first poll after start, if the
     * repository has no marker for this mailbox yet, every listed message is recorded in the repository as seen
     * without being retrieved, then the marker is added; from then on only mail that arrives later is processed. A
     * skipped message is never deleted by the consumer, also with delete=true. Requires an idempotentRepository
     * (persistent, or every restart without the marker skips again). Default: process.
     */
    private InitialBacklog initialBacklog;

    /**
     * Leaves each message the route handled successfully on the server for this long, then deletes it at the first
     * poll after (DELE, committed by QUIT); it is never retrieved again in between. The age counts from when the
     * message was first processed (its processed key was recorded), not from its Date or Received headers. Camel's
     * duration syntax (14d, 36h, 1d12h) or ISO-8601 (P14D, PT36H); zero, negative or unreadable values fail at start.
     * Requires an idempotentRepository and excludes delete=true. The times are kept in deleteAfterStateRepository, or,
     * without it, read from camel-sql's JdbcMessageIdRepository (its createdAt column). Messages skipped by
     * initialBacklog=skip are never deleted.
     */
    private String deleteAfter;

    /**
     * With deleteAfter: where the time each message was first processed is kept, under the message's processed key
     * in the idempotent repository (mailbox identity and UIDL), the value an ISO-8601 instant; for example Camel's
     * FileStateRepository. Use a persistent one that every node sharing the idempotent repository can read. Not needed
     * with camel-sql's JdbcMessageIdRepository, whose createdAt column holds the time; when set, it is used instead. A
     * bean reference: #beanName.
     */
    private StateRepository<String, String> deleteAfterStateRepository;

    /**
     * The most messages retrieved in one poll (one POP3 session); 0 or less means no limit. Default: 0.
     */
    private Integer maxMessagesPerPoll;

    /**
     * What to do with a message larger than maxMessageSize: skip (leave it on the server, warn once), fail (leave it
     * and report an error through the consumer's exception handler at every poll), delete (delete it unread). Default:
     * skip.
     */
    private OversizeAction oversizeAction;

    /**
     * With an idempotent repository: whether a message is claimed in the repository while it is routed, to keep other
     * consumers sharing the repository away. auto (default): none for Camel's memory and file repositories (they
     * cannot be shared between JVMs), leases for any other (JDBC, Redis...). lease: a lease renewed while the route
     * runs (see claimTimeout), for consumers in several JVMs sharing one repository. none: only this consumer reads
     * the mailbox with this repository (also when a leader election makes sure of it); a message costs two repository
     * operations, a lookup and the processed key. Default: auto.
     */
    private ClaimMode claims;

    /**
     * With claims=lease: the lease period, in milliseconds (default 15 seconds). The consumer renews the lease on a
     * message every period while the route runs, so a route may take any time; a consumer that dies (a crash, a kill)
     * renews no more, and its message is taken by any consumer sharing the repository one to two periods later. Keep
     * the clocks of the consumers in sync to well within it, and keep the JVM from pausing (GC) for longer. Default:
     * 15000.
     * Spring Boot duration syntax: 30s, 5m, or a number of milliseconds.
     */
    private Duration claimTimeout;

    /**
     * How many UIDLs the consumer remembers as known to the idempotent repository (confirmed by this consumer, or
     * found in the repository), so that a poll of a mailbox already seen asks the repository only about new messages
     * instead of making one query per listed message. Only UIDLs the server still lists are kept. 0 disables the cache
     * (every listed message is looked up at every poll). A key removed from the repository by someone else is not
     * noticed while its UIDL is cached: see confirmedKeyCacheTtl. Default: 1000000.
     */
    private Integer confirmedKeyCacheSize;

    /**
     * After how long a UIDL in the confirmed-key cache is checked against the idempotent repository again, in
     * milliseconds; 0 (the default) means never while the consumer runs. Set it when processed keys may be removed
     * from the repository by someone else (an operator who wants a message consumed again) and this consumer should
     * notice. Default: 0.
     * Spring Boot duration syntax: 30s, 5m, or a number of milliseconds.
     */
    private Duration confirmedKeyCacheTtl;

    /**
     * How long to wait before connecting again after the server answered IN-USE (the maildrop is locked) or LOGIN-
     * DELAY without announcing the delay in CAPA, in milliseconds. An announced LOGIN-DELAY is always honoured.
     * Default: 60000.
     * Spring Boot duration syntax: 30s, 5m, or a number of milliseconds.
     */
    private Duration inUseDelay;

    /**
     * The most octets of a message held in the heap when the context's stream caching does not spool to disk (Camel's
     * default): a longer message is written to a spool file while it is received, and the route reads it from there.
     * The files go to the stream caching spool directory when the context has one, else to a directory of the
     * component in java.io.tmpdir (readable by the JVM's user only, removed when the component stops). When the
     * context spools (streamCachingSpoolEnabled=true), its own rules decide instead (streamCachingSpoolThreshold,
     * default 128 KiB); when it does not but streamCachingSpoolThreshold was changed, that threshold is used unless
     * this option is set. 0 or less keeps every message whole in the heap (not recommended: a large message can
     * exhaust it). Also bounds what streamDownload keeps of a message in the heap. Default: 1048576.
     */
    private Long spoolThreshold;

    /**
     * Routes a message that does not fit in the first 64 KiB while it still arrives: the route reads it from the
     * connection (every byte also goes to the stream cache, so it can be read again), instead of waiting until it is
     * whole in the cache. Receiving and routing then overlap, which pays for large messages. The exchange has no
     * CamelPop3RawSize header (the size is not known when it starts); a connection lost in the middle fails the
     * exchange, and the message is offered again. A message is routed before the next one is read, so when the server
     * refuses a RETR after the last streamed message, no exchange of the poll has CamelBatchComplete=true. Default:
     * false.
     */
    private Boolean streamDownload;

    /**
     * Maps every header field of the message to a Camel header under its own name, as camel-mail does (Subject, From,
     * To, Reply-To, In-Reply-To, References, List-Id...), so that routes written for camel-mail and
     * ${header.Subject} carry over. Values are unfolded and decoded (RFC 2047 encoded-words, RFC 2231 parameters of
     * Content-Type and Content-Disposition, 8-bit octets as UTF-8 or else windows-1252); a field that occurs more than
     * once becomes a List of its values. Each field passes the headerFilterStrategy, which by default drops names
     * starting with Camel or mail.smtp. in any case. The CamelPop3Raw headers are set as without it, and win. Fields
     * beyond the first 64 KiB of a header block are not mapped. Off by default: then no work is done for it. Default:
     * false.
     */
    private Boolean mapHeaders;

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then gets
     * configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc. Default: true.
     */
    private Boolean autowiredEnabled;

    /**
     * Component-wide defaults for the endpoint options A bean reference: #beanName.
     */
    private Pop3RawConfiguration configuration;

    /**
     * How long to wait for the TCP connection and the TLS handshake, in milliseconds. Must be positive. Default:
     * 10000.
     * Spring Boot duration syntax: 30s, 5m, or a number of milliseconds.
     */
    private Duration connectTimeout;

    /**
     * The POP3 client's debug output (logger dev.pop3raw.client): 0 quiet, 1 one line per command, 2 every line on the
     * wire. Passwords and tokens are always redacted. Default: 0.
     */
    private Integer debugLevel;

    /**
     * How many RETR commands are kept in flight when pipelining (1 to 1000). Default: 32.
     */
    private Integer pipelineWindow;

    /**
     * Sends several commands without waiting for each reply (RFC 2449 PIPELINING) when the server offers it. Default:
     * true.
     */
    private Boolean pipelining;

    /**
     * How long to wait for any single read from the server, in milliseconds. Must be positive. Default: 60000.
     * Spring Boot duration syntax: 30s, 5m, or a number of milliseconds.
     */
    private Duration readTimeout;

    /**
     * Used for enabling or disabling all consumer based health checks from this component Default: true.
     */
    private Boolean healthCheckConsumerEnabled;

    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice: Camel has by
     * default disabled all producer based health-checks. You can turn on producer checks globally by setting
     * camel.health.producersEnabled=true. Default: true.
     */
    private Boolean healthCheckProducerEnabled;

    /**
     * Supplies OAuth 2.0 access tokens for XOAUTH2 and OAUTHBEARER (a bean implementing
     * dev.pop3raw.client.sasl.AccessTokenProvider). Tokens are never logged. A bean reference: #beanName.
     */
    private AccessTokenProvider accessTokenProvider;

    /**
     * Allows a password or token to be sent over an unencrypted connection to a host that is not loopback. Off by
     * default: without TLS the login is refused. Default: false.
     */
    private Boolean allowCleartextAuth;

    /**
     * How to log in: auto (the strongest method the server offers for the credentials given), USER (USER/PASS), APOP,
     * or a SASL mechanism name such as PLAIN, LOGIN, CRAM-MD5, CRAM-SHA1, CRAM-SHA256, SCRAM-SHA-256, XOAUTH2 or
     * OAUTHBEARER. Default: auto.
     */
    private String authMechanism;

    /**
     * The password. Masked in the endpoint URI and never logged.
     */
    private String password;

    /**
     * The TLS configuration (trust store, key store, protocols) for implicit TLS and STLS. By default the JVM's trust
     * store is used and the server certificate and host name are checked. A bean reference: #beanName.
     */
    private SSLContextParameters sslContextParameters;

    /**
     * How the session is protected by TLS: auto (implicit TLS on port 995, otherwise STLS when the server offers it),
     * none (plain; credentials cross in clear only to loopback or with allowCleartextAuth), starttls (STLS is
     * required: the poll fails if the server does not offer it), or implicit (TLS from the first byte). Default: auto.
     */
    private TlsMode tls;

    /**
     * The mailbox user name. With host and port it forms the mailbox identity that namespaces idempotent keys.
     */
    private String username;

    /**
     * The OAuth client id (Google: the OAuth client's id; Microsoft: the app registration's application id).
     */
    private String oauth2ClientId;

    /**
     * The OAuth client secret. Google needs it; a Microsoft public client (mobile and desktop app registration) has
     * none; the client_credentials grant always needs it.
     */
    private String oauth2ClientSecret;

    /**
     * The OAuth 2.0 grant: refresh_token, client_credentials, or auto (refresh_token when oauth2RefreshToken,
     * oauth2RefreshTokenFile or oauth2RefreshTokenStore is set, otherwise client_credentials). Default: auto.
     */
    private OAuth2Grant oauth2Grant;

    /**
     * Gets access tokens for XOAUTH2 / OAUTHBEARER from this identity provider, so that no accessTokenProvider bean is
     * needed: google (token endpoint https://oauth2.googleapis.com/token, refresh-token grant), microsoft
     * (https://login.microsoftonline.com/{oauth2Tenant}/oauth2/v2.0/token; scope POP.AccessAsUser.All with a refresh
     * token, https://outlook.office365.com/.default with client credentials) or custom (oauth2TokenEndpoint). Needs
     * oauth2ClientId. An accessTokenProvider bean, when set, wins over all oauth2 options.
     */
    private OAuth2Provider oauth2Provider;

    /**
     * The refresh token obtained once with the user's consent; it selects the refresh-token grant. When
     * oauth2RefreshTokenFile holds a token (saved after the provider rotated it), that one is used instead.
     */
    private String oauth2RefreshToken;

    /**
     * A file that keeps the newest refresh token across restarts. Microsoft rotates refresh tokens: each new one is
     * written there (atomically, readable by the owner only where the file system has POSIX permissions), and a token
     * found there at start wins over oauth2RefreshToken. Without it (and without oauth2RefreshTokenStore) a rotated
     * token is kept in memory only.
     */
    private String oauth2RefreshTokenFile;

    /**
     * The scope asked for, space separated. By default: none for google (a refresh keeps the scope granted, which must
     * include https://mail.google.com/), https://outlook.office.com/POP.AccessAsUser.All offline_access for microsoft
     * with a refresh token, https://outlook.office365.com/.default for microsoft with client credentials, none for
     * custom.
     */
    private String oauth2Scope;

    /**
     * With oauth2Provider=microsoft: the Entra ID tenant (its id or a domain such as contoso.onmicrosoft.com). common
     * (the default) suits the refresh-token grant of a multi-tenant or personal-account app; the client_credentials
     * grant needs the tenant itself. Default: common.
     */
    private String oauth2Tenant;

    /**
     * The OAuth 2.0 token endpoint URL (https; http only to loopback). Required with oauth2Provider=custom; with google
     * or microsoft it replaces the provider's endpoint (a proxy, a sovereign cloud). The requests use connectTimeout
     * and readTimeout.
     */
    private String oauth2TokenEndpoint;

    /**
     * Where the refresh token is kept across restarts when a file will not do (a vault, a database): a bean
     * implementing dev.pop3raw.oauth2.RefreshTokenStore. Not together with oauth2RefreshTokenFile. A bean reference:
     * #beanName.
     */
    private RefreshTokenStore oauth2RefreshTokenStore;

    /**
     * Connects through this SOCKS proxy (SOCKS5, or SOCKS4 when the proxy offers only that). The proxy resolves the
     * POP3 server's host name. Behind a proxy the server's address is unknown, so loopback is not exempt from the TLS
     * requirement of allowCleartextAuth.
     */
    private String proxyHost;

    /**
     * The SOCKS proxy's port (default 1080); used with proxyHost. Default: 1080.
     */
    private Integer proxyPort;

    /**
     * Whether the server certificate must name the host connected to (default true). WARNING: false accepts any
     * certificate the trust store trusts, for any name, so anyone holding such a certificate (for a name of their own)
     * can impersonate the server and receive the password. Turn it off only together with pinnedCertificateSha256, or
     * on a test bench. Default: True.
     */
    private Boolean hostnameVerification;

    /**
     * Pins the server certificate: the SHA-256 fingerprint of the server's own certificate (DER), in hex, colons and
     * case ignored (as printed by openssl x509 -noout -fingerprint -sha256). After the TLS handshake the session is
     * dropped, before logging in, unless the certificate has this fingerprint. The usual checks (trust store, host
     * name) still apply; a pin replaced by a renewed certificate fails every poll until updated.
     */
    private String pinnedCertificateSha256;

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getDelete() {
        return delete;
    }

    public void setDelete(Boolean delete) {
        this.delete = delete;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public InitialBacklog getInitialBacklog() {
        return initialBacklog;
    }

    public void setInitialBacklog(InitialBacklog initialBacklog) {
        this.initialBacklog = initialBacklog;
    }

    public String getDeleteAfter() {
        return deleteAfter;
    }

    public void setDeleteAfter(String deleteAfter) {
        this.deleteAfter = deleteAfter;
    }

    public StateRepository<String, String> getDeleteAfterStateRepository() {
        return deleteAfterStateRepository;
    }

    public void setDeleteAfterStateRepository(StateRepository<String, String> deleteAfterStateRepository) {
        this.deleteAfterStateRepository = deleteAfterStateRepository;
    }

    public Integer getMaxMessagesPerPoll() {
        return maxMessagesPerPoll;
    }

    public void setMaxMessagesPerPoll(Integer maxMessagesPerPoll) {
        this.maxMessagesPerPoll = maxMessagesPerPoll;
    }

    public OversizeAction getOversizeAction() {
        return oversizeAction;
    }

    public void setOversizeAction(OversizeAction oversizeAction) {
        this.oversizeAction = oversizeAction;
    }

    public ClaimMode getClaims() {
        return claims;
    }

    public void setClaims(ClaimMode claims) {
        this.claims = claims;
    }

    public Duration getClaimTimeout() {
        return claimTimeout;
    }

    public void setClaimTimeout(Duration claimTimeout) {
        this.claimTimeout = claimTimeout;
    }

    public Integer getConfirmedKeyCacheSize() {
        return confirmedKeyCacheSize;
    }

    public void setConfirmedKeyCacheSize(Integer confirmedKeyCacheSize) {
        this.confirmedKeyCacheSize = confirmedKeyCacheSize;
    }

    public Duration getConfirmedKeyCacheTtl() {
        return confirmedKeyCacheTtl;
    }

    public void setConfirmedKeyCacheTtl(Duration confirmedKeyCacheTtl) {
        this.confirmedKeyCacheTtl = confirmedKeyCacheTtl;
    }

    public Duration getInUseDelay() {
        return inUseDelay;
    }

    public void setInUseDelay(Duration inUseDelay) {
        this.inUseDelay = inUseDelay;
    }

    public Long getSpoolThreshold() {
        return spoolThreshold;
    }

    public void setSpoolThreshold(Long spoolThreshold) {
        this.spoolThreshold = spoolThreshold;
    }

    public Boolean getStreamDownload() {
        return streamDownload;
    }

    public void setStreamDownload(Boolean streamDownload) {
        this.streamDownload = streamDownload;
    }

    public Boolean getMapHeaders() {
        return mapHeaders;
    }

    public void setMapHeaders(Boolean mapHeaders) {
        this.mapHeaders = mapHeaders;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public Pop3RawConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(Pop3RawConfiguration configuration) {
        this.configuration = configuration;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Integer getDebugLevel() {
        return debugLevel;
    }

    public void setDebugLevel(Integer debugLevel) {
        this.debugLevel = debugLevel;
    }

    public Integer getPipelineWindow() {
        return pipelineWindow;
    }

    public void setPipelineWindow(Integer pipelineWindow) {
        this.pipelineWindow = pipelineWindow;
    }

    public Boolean getPipelining() {
        return pipelining;
    }

    public void setPipelining(Boolean pipelining) {
        this.pipelining = pipelining;
    }

    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }

    public AccessTokenProvider getAccessTokenProvider() {
        return accessTokenProvider;
    }

    public void setAccessTokenProvider(AccessTokenProvider accessTokenProvider) {
        this.accessTokenProvider = accessTokenProvider;
    }

    public Boolean getAllowCleartextAuth() {
        return allowCleartextAuth;
    }

    public void setAllowCleartextAuth(Boolean allowCleartextAuth) {
        this.allowCleartextAuth = allowCleartextAuth;
    }

    public String getAuthMechanism() {
        return authMechanism;
    }

    public void setAuthMechanism(String authMechanism) {
        this.authMechanism = authMechanism;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public TlsMode getTls() {
        return tls;
    }

    public void setTls(TlsMode tls) {
        this.tls = tls;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getOauth2ClientId() {
        return oauth2ClientId;
    }

    public void setOauth2ClientId(String oauth2ClientId) {
        this.oauth2ClientId = oauth2ClientId;
    }

    public String getOauth2ClientSecret() {
        return oauth2ClientSecret;
    }

    public void setOauth2ClientSecret(String oauth2ClientSecret) {
        this.oauth2ClientSecret = oauth2ClientSecret;
    }

    public OAuth2Grant getOauth2Grant() {
        return oauth2Grant;
    }

    public void setOauth2Grant(OAuth2Grant oauth2Grant) {
        this.oauth2Grant = oauth2Grant;
    }

    public OAuth2Provider getOauth2Provider() {
        return oauth2Provider;
    }

    public void setOauth2Provider(OAuth2Provider oauth2Provider) {
        this.oauth2Provider = oauth2Provider;
    }

    public String getOauth2RefreshToken() {
        return oauth2RefreshToken;
    }

    public void setOauth2RefreshToken(String oauth2RefreshToken) {
        this.oauth2RefreshToken = oauth2RefreshToken;
    }

    public String getOauth2RefreshTokenFile() {
        return oauth2RefreshTokenFile;
    }

    public void setOauth2RefreshTokenFile(String oauth2RefreshTokenFile) {
        this.oauth2RefreshTokenFile = oauth2RefreshTokenFile;
    }

    public String getOauth2Scope() {
        return oauth2Scope;
    }

    public void setOauth2Scope(String oauth2Scope) {
        this.oauth2Scope = oauth2Scope;
    }

    public String getOauth2Tenant() {
        return oauth2Tenant;
    }

    public void setOauth2Tenant(String oauth2Tenant) {
        this.oauth2Tenant = oauth2Tenant;
    }

    public String getOauth2TokenEndpoint() {
        return oauth2TokenEndpoint;
    }

    public void setOauth2TokenEndpoint(String oauth2TokenEndpoint) {
        this.oauth2TokenEndpoint = oauth2TokenEndpoint;
    }

    public RefreshTokenStore getOauth2RefreshTokenStore() {
        return oauth2RefreshTokenStore;
    }

    public void setOauth2RefreshTokenStore(RefreshTokenStore oauth2RefreshTokenStore) {
        this.oauth2RefreshTokenStore = oauth2RefreshTokenStore;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public Integer getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(Integer proxyPort) {
        this.proxyPort = proxyPort;
    }

    public Boolean getHostnameVerification() {
        return hostnameVerification;
    }

    public void setHostnameVerification(Boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public String getPinnedCertificateSha256() {
        return pinnedCertificateSha256;
    }

    public void setPinnedCertificateSha256(String pinnedCertificateSha256) {
        this.pinnedCertificateSha256 = pinnedCertificateSha256;
    }
}
