package dev.pop3raw.camel;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.net.ssl.SSLContext;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.ScheduledPollEndpoint;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.client.sasl.AccessTokenProvider;

/**
 * Polls a POP3 maildrop: each poll is one POP3 session (connect, login, UIDL + LIST, pipelined RETR, DELE, QUIT),
 * and each message becomes an exchange whose id is its UIDL and whose body is the raw message, stream-cached.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pop3raw", title = "POP3 Raw", syntax = "pop3raw:host:port", consumerOnly = true, category = {
        Category.MAIL}, headersClass = Pop3RawConstants.class)
@ManagedResource(description = "Managed POP3 Raw endpoint")
public class Pop3RawEndpoint extends ScheduledPollEndpoint implements HeaderFilterStrategyAware {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawEndpoint.class);

    /** The default poll interval: POP3 servers do not welcome a login every half second. */
    static final long DEFAULT_DELAY = 60_000;

    @UriParam
    private Pop3RawConfiguration configuration;

    // re-declared only to document the POP3 default (60 s instead of the scheduler's 500 ms)
    @UriParam(label = "consumer,scheduler", defaultValue = "60000", javaType = "java.time.Duration", description = "Milliseconds before the next poll (one POP3 session per poll).")
    private long delay = DEFAULT_DELAY;

    @UriParam(label = "filter", description = "With mapHeaders: which header fields of a message become Camel headers"
            + " (applyFilterToExternalHeaders, once per occurrence of a field). The default,"
            + " dev.pop3raw.camel.Pop3RawHeaderFilterStrategy, drops names starting with Camel,"
            + " org.apache.camel., mail.smtp. or mail.smtps., in any case.")
    private HeaderFilterStrategy headerFilterStrategy = new Pop3RawHeaderFilterStrategy();

    private final Pop3RawStatistics statistics = new Pop3RawStatistics();
    /** The accessTokenProvider bean, or the one built from the oauth2 options; null for a password login. */
    private AccessTokenProvider tokenProvider;
    /**
     * What deleteAfter takes as the present. Not an option: tests set it ({@link #setClock}) to age kept messages by
     * days without waiting.
     */
    private volatile Clock clock = Clock.systemUTC();

    public Pop3RawEndpoint(String uri, Pop3RawComponent component, Pop3RawConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    /**
     * The endpoint URI with secrets masked (Camel's sanitizer: password, token, user name...). The endpoint's
     * identity ({@link #getEndpointKey()}, equals, hashCode) keeps the URI it was created with.
     */
    @Override
    public String getEndpointUri() {
        return URISupport.sanitizeUri(super.getEndpointUri());
    }

    @Override
    public String getEndpointKey() {
        return super.getEndpointUri();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pop3RawEndpoint other && other.getCamelContext() == getCamelContext()
                && other.getEndpointKey().equals(getEndpointKey());
    }

    @Override
    public int hashCode() {
        return getEndpointKey().hashCode();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("pop3raw: is consumer-only (it polls a POP3 maildrop); POP3 cannot"
                + " send mail, use an SMTP component to send");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Pop3RawConsumer consumer = new Pop3RawConsumer(this, processor);
        consumer.setMaxMessagesPerPoll(configuration.getMaxMessagesPerPoll());
        configureConsumer(consumer);
        consumer.setDelay(delay); // the scheduler's default is 500 ms; POP3's is DEFAULT_DELAY
        return consumer;
    }

    @Override
    public long getDefaultDelay() {
        return DEFAULT_DELAY;
    }

    @Override
    public long getDelay() {
        return delay;
    }

    /** Milliseconds before the next poll (one POP3 session per poll). */
    @Override
    public void setDelay(long delay) {
        this.delay = delay;
        super.setDelay(delay);
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        validate();
        tokenProvider = resolveTokenProvider();
    }

    Clock clock() {
        return clock;
    }

    /** For tests: the clock deleteAfter reads, set before the consumer starts. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** The bean wins: it is the way to anything the oauth2 options cannot say. */
    private AccessTokenProvider resolveTokenProvider() {
        Pop3RawConfiguration c = configuration;
        if (c.getAccessTokenProvider() != null) {
            if (c.hasOAuth2Options()) {
                LOG.warn("pop3raw: {}: accessTokenProvider is set, the oauth2 options are ignored",
                        mailbox().identity());
            }
            return c.getAccessTokenProvider();
        }
        return OAuth2Options.provider(c);
    }

    /**
     * Releases the token endpoint's HTTP client of a provider built from the oauth2 options (a bean is its owner's to
     * close). The provider stays: a restarted route asks it again and it opens a new client.
     */
    @Override
    protected void doStop() throws Exception {
        if (tokenProvider instanceof AutoCloseable built && tokenProvider != configuration.getAccessTokenProvider()) {
            built.close();
        }
        super.doStop();
    }

    /** Where the consumer's logins get OAuth2 tokens; null when they use the password. */
    public AccessTokenProvider accessTokenProvider() {
        return tokenProvider;
    }

    /** Refuses configurations that cannot work, with a message that says what to change. */
    void validate() {
        Pop3RawConfiguration c = configuration;
        if (ObjectHelper.isEmpty(c.getHost())) {
            throw new IllegalArgumentException("pop3raw: the host is missing; use pop3raw:host[:port]");
        }
        if (ObjectHelper.isEmpty(c.getUsername())) {
            throw new IllegalArgumentException("pop3raw: the username option is required");
        }
        if (c.getPassword() == null && c.getAccessTokenProvider() == null && !c.hasOAuth2Options()) {
            throw new IllegalArgumentException("pop3raw: set the password option, or for XOAUTH2 / OAUTHBEARER the"
                    + " oauth2 options (oauth2Provider, oauth2ClientId, ...) or an"
                    + " accessTokenProvider");
        }
        validateWhatIsDeleted(c);
        validateLimits(c);
        String mechanism = AuthMechanisms.canonical(c.getAuthMechanism());
        validateCleartext(c, mechanism);
        // the client checks timeouts, window and debug level: build the options once so a bad value fails at start
        clientOptions(null);
    }

    /** Sizes and times that must not be negative, and the enumerations that must be set. */
    private static void validateLimits(Pop3RawConfiguration c) {
        if (c.getMaxMessageSize() < 0) {
            throw new IllegalArgumentException("pop3raw: maxMessageSize must be 0 (no limit) or positive, was "
                    + c.getMaxMessageSize());
        }
        if (c.getInUseDelay() < 0) {
            throw new IllegalArgumentException("pop3raw: inUseDelay must not be negative, was " + c.getInUseDelay());
        }
        if (c.getClaimTimeout() <= 0) {
            throw new IllegalArgumentException(
                    "pop3raw: claimTimeout must be positive (a claim that never expires would"
                            + " strand a message whose consumer died), was " + c.getClaimTimeout());
        }
        if (c.getTls() == null || c.getOversizeAction() == null || c.getClaims() == null
                || c.getInitialBacklog() == null) {
            throw new IllegalArgumentException(
                    "pop3raw: tls, oversizeAction, claims and initialBacklog must not be empty");
        }
    }

    /** delete, idempotentRepository, initialBacklog and deleteAfter: what is deleted and what is remembered. */
    private static void validateWhatIsDeleted(Pop3RawConfiguration c) {
        validateDeleteAfter(c);
        if (!c.isDelete() && c.getIdempotentRepository() == null) {
            throw new IllegalArgumentException("pop3raw: set delete=true or an idempotentRepository (or both): with"
                    + " neither, every poll would consume the whole mailbox again. Prefer a"
                    + " persistent repository; an in-memory one (e.g."
                    + " #memoryIdempotentRepository) forgets at restart and the mailbox is"
                    + " consumed again");
        }
        if (c.getInitialBacklog() == InitialBacklog.SKIP && c.getIdempotentRepository() == null) {
            throw new IllegalArgumentException("pop3raw: initialBacklog=skip needs an idempotentRepository: the"
                    + " skipped messages are recorded there as seen (use a persistent one, or the backlog is"
                    + " skipped again at every restart)");
        }
    }

    /** deleteAfter: a readable positive duration, an idempotent repository, a place for the times, no delete. */
    private static void validateDeleteAfter(Pop3RawConfiguration c) {
        if (c.getDeleteAfter() == null) {
            return;
        }
        DeleteAfter.parse(c.getDeleteAfter());
        if (c.isDelete()) {
            throw new IllegalArgumentException("pop3raw: deleteAfter and delete=true exclude each other: delete=true"
                    + " deletes each message as soon as it was processed; deleteAfter keeps it that long first."
                    + " Remove one of them");
        }
        if (c.getIdempotentRepository() == null) {
            throw new IllegalArgumentException("pop3raw: deleteAfter needs an idempotentRepository: it keeps the"
                    + " processed messages from being retrieved again while they stay on the server");
        }
        if (FirstProcessedTimes.of(c) == null) {
            throw new IllegalArgumentException("pop3raw: deleteAfter needs a place for the time each message was first"
                    + " processed: set deleteAfterStateRepository (e.g. a FileStateRepository), or use camel-sql's"
                    + " JdbcMessageIdRepository as the idempotentRepository (its createdAt column holds the time)");
        }
    }

    /**
     * With tls=none nothing protects a password or token that crosses the wire as it is (USER/PASS, PLAIN, LOGIN,
     * XOAUTH2, OAUTHBEARER, or auto, which falls back to them). The client refuses to send it at login, at every poll;
     * this refuses the configuration at start instead. Loopback is exempt as in the client (not through a proxy,
     * where the server's address is unknown), and so are the challenge-response mechanisms (APOP, CRAM-*, SCRAM).
     */
    private static void validateCleartext(Pop3RawConfiguration c, String mechanism) {
        if (c.getTls() != TlsMode.NONE || c.isAllowCleartextAuth() || !AuthMechanisms.sendsSecret(mechanism)) {
            return;
        }
        if (ObjectHelper.isEmpty(c.getProxyHost()) && isLoopback(c.getHost())) {
            return;
        }
        String secret = c.getPassword() != null ? "password" : "access token";
        throw new IllegalArgumentException("pop3raw: tls=none would send the " + secret + " in clear to "
                + c.getHost() + (ObjectHelper.isEmpty(c.getProxyHost()) ? "" : " (through the proxy)")
                + " with authMechanism=" + mechanism + ". Use tls=auto, starttls or implicit; or a"
                + " challenge-response authMechanism (APOP, CRAM-MD5, CRAM-SHA1, CRAM-SHA256, SCRAM-SHA-256);"
                + " or, on a network you trust, set allowCleartextAuth=true");
    }

    /** A loopback IP literal or {@code localhost}; a host name is not resolved here (that is the poll's business). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!h.isEmpty() && (Character.digit(h.charAt(0), 16) >= 0 || h.contains(":")) && h.matches("[0-9a-f:.]+")) {
            try {
                return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** The POP3 client options for this endpoint; {@code sslContext} may be null (the JVM default). */
    Pop3ClientOptions clientOptions(SSLContext sslContext) {
        Pop3RawConfiguration c = configuration;
        try {
            return Pop3ClientOptions.builder()
                    .tlsMode(c.getTls())
                    .connectTimeout(Duration.ofMillis(c.getConnectTimeout()))
                    .readTimeout(Duration.ofMillis(c.getReadTimeout()))
                    .sslContext(sslContext)
                    .hostnameVerification(c.isHostnameVerification())
                    .pinnedCertificateSha256(c.getPinnedCertificateSha256())
                    .proxy(proxy())
                    .allowCleartextAuth(c.isAllowCleartextAuth())
                    .pipelining(c.isPipelining())
                    .pipelineWindow(c.getPipelineWindow())
                    .debugLevel(c.getDebugLevel())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pop3raw: " + e.getMessage(), e);
        }
    }

    /** The SOCKS proxy of proxyHost/proxyPort, or null; the proxy resolves the server's name (unresolved address). */
    private Proxy proxy() {
        Pop3RawConfiguration c = configuration;
        if (ObjectHelper.isEmpty(c.getProxyHost())) {
            return null;
        }
        if (c.getProxyPort() < 1 || c.getProxyPort() > 65535) {
            throw new IllegalArgumentException("pop3raw: proxyPort must be between 1 and 65535, was "
                    + c.getProxyPort());
        }
        return new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved(c.getProxyHost(), c.getProxyPort()));
    }

    /** The SSLContext from sslContextParameters, or null for the JVM default. */
    SSLContext createSslContext() throws Exception {
        return configuration.getSslContextParameters() == null
                ? null
                : configuration.getSslContextParameters().createSSLContext(getCamelContext());
    }

    MailboxKey mailbox() {
        return new MailboxKey(configuration.getUsername(), configuration.getHost(), configuration.effectivePort());
    }

    Pop3RawStatistics statistics() {
        return statistics;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    /**
     * With mapHeaders: which header fields of a message become Camel headers (applyFilterToExternalHeaders, once per
     * occurrence of a field). The default, dev.pop3raw.camel.Pop3RawHeaderFilterStrategy, drops names starting with
     * Camel, org.apache.camel., mail.smtp. or mail.smtps., in any case.
     */
    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    public Pop3RawConfiguration getConfiguration() {
        return configuration;
    }

    /** The endpoint options. */
    public void setConfiguration(Pop3RawConfiguration configuration) {
        this.configuration = configuration;
    }

    // ---------------------------------------------------------------- JMX

    @ManagedAttribute(description = "The mailbox polled, user@host:port")
    public String getMailbox() {
        return mailbox().identity();
    }

    @ManagedAttribute(description = "When the last poll started (ISO-8601), empty before the first poll")
    public String getLastPollTime() {
        long t = statistics.lastPollTime;
        return t == 0 ? "" : Instant.ofEpochMilli(t).toString();
    }

    @ManagedAttribute(description = "Number of polls run (sessions attempted)")
    public long getPolls() {
        return statistics.polls.get();
    }

    @ManagedAttribute(description = "Number of polls that failed (connection, TLS, authentication, protocol errors)")
    public long getPollFailures() {
        return statistics.pollFailures.get();
    }

    @ManagedAttribute(description = "Number of messages whose exchange completed successfully")
    public long getMessagesConsumed() {
        return statistics.messagesConsumed.get();
    }

    @ManagedAttribute(description = "Octets of the messages whose exchange completed successfully")
    public long getBytesConsumed() {
        return statistics.bytesConsumed.get();
    }

    @ManagedAttribute(description = "Number of messages whose exchange failed (not deleted, offered again)")
    public long getMessagesFailed() {
        return statistics.messagesFailed.get();
    }

    @ManagedAttribute(description = "Number of messages deleted from the server (DELE committed by QUIT)")
    public long getMessagesDeleted() {
        return statistics.messagesDeleted.get();
    }

    @ManagedAttribute(description = "Of MessagesDeleted: messages deleteAfter kept long enough")
    public long getMessagesExpired() {
        return statistics.messagesExpired.get();
    }

    @ManagedAttribute(description = "Number of RETR commands the server refused")
    public long getRetrievalFailures() {
        return statistics.retrievalFailures.get();
    }

    @ManagedAttribute(description = "Number of listing entries skipped because their UIDL is missing, malformed or listed"
            + " for more than one message; each entry is counted once, when first seen")
    public long getSkippedInvalidUidl() {
        return statistics.skippedInvalidUidl.get();
    }

    @ManagedAttribute(description = "Number of listed messages skipped because they exceed maxMessageSize")
    public long getSkippedOversize() {
        return statistics.skippedOversize.get();
    }

    @ManagedAttribute(description = "Number of polls skipped because of [IN-USE] or [LOGIN-DELAY]")
    public long getSkippedBusy() {
        return statistics.skippedBusy.get();
    }

    @ManagedAttribute(description = "The capabilities the server listed (CAPA) after the last login")
    public String getServerCapabilities() {
        return statistics.serverCapabilities;
    }

    @ManagedAttribute(description = "The last poll error, empty when the last poll succeeded")
    public String getLastError() {
        return statistics.lastError;
    }
}
