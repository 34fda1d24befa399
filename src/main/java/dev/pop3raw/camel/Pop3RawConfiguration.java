package dev.pop3raw.camel;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code pop3raw:} endpoint. Set on the component, they are the defaults of every endpoint.
 */
@UriParams
public class Pop3RawConfiguration extends Pop3RawServerConfiguration implements Cloneable {

    /**
     * 1 MiB: most mail (text, a few attachments) stays in the heap as before, while the heap a consumer needs stays
     * small and fixed: about two messages of a poll are held at a time (the one routed and the next one).
     */
    static final long DEFAULT_SPOOL_THRESHOLD = 1024 * 1024;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean delete;
    @UriParam(label = "consumer", description = "Remembers the messages already processed, keyed by mailbox identity (user name, host, port) and UIDL, so"
            + " that a message in the repository is not retrieved again. The key is"
            + " added once the message was processed. With a repository shared by"
            + " several consumers, a lease (see claims) keeps the others away while"
            + " the message is processed. Use a persistent repository: an in-memory"
            + " one forgets everything at restart and the whole mailbox is consumed"
            + " again.")
    private IdempotentRepository idempotentRepository;
    @UriParam(label = "consumer,advanced", defaultValue = "1000000")
    private int confirmedKeyCacheSize = 1_000_000;
    @UriParam(label = "consumer,advanced", defaultValue = "0", javaType = "java.time.Duration")
    private long confirmedKeyCacheTtl;
    @UriParam(label = "consumer,advanced", defaultValue = "auto", enums = "auto,lease,none")
    private ClaimMode claims = ClaimMode.AUTO;
    @UriParam(label = "consumer,advanced", defaultValue = "15000", javaType = "java.time.Duration")
    private long claimTimeout = 15_000;
    @UriParam(label = "consumer", javaType = "java.lang.String")
    private String deleteAfter;
    @UriParam(label = "consumer,advanced")
    private StateRepository<String, String> deleteAfterStateRepository;
    @UriParam(label = "consumer", defaultValue = "process", enums = "process,skip")
    private InitialBacklog initialBacklog = InitialBacklog.PROCESS;
    @UriParam(label = "consumer", defaultValue = "0")
    private int maxMessagesPerPoll;
    @UriParam(label = "consumer", defaultValue = "0")
    private long maxMessageSize;
    @UriParam(label = "consumer", defaultValue = "skip", enums = "skip,fail,delete")
    private OversizeAction oversizeAction = OversizeAction.SKIP;
    @UriParam(label = "consumer,advanced", defaultValue = "false")
    private boolean streamDownload;
    @UriParam(label = "consumer", defaultValue = "false")
    private boolean mapHeaders;
    @UriParam(label = "consumer,advanced", defaultValue = "1048576")
    private long spoolThreshold = DEFAULT_SPOOL_THRESHOLD;
    /** spoolThreshold was set (on the endpoint or the component): it wins over the context's spool threshold. */
    private boolean spoolThresholdSet;
    @UriParam(label = "consumer,advanced", defaultValue = "60000", javaType = "java.time.Duration")
    private long inUseDelay = 60_000;
    @UriParam(label = "advanced", defaultValue = "true")
    private boolean pipelining = true;
    @UriParam(label = "advanced", defaultValue = "32")
    private int pipelineWindow = 32;
    @UriParam(label = "advanced", defaultValue = "0", enums = "0,1,2")
    private int debugLevel;

    /** A copy, so that an endpoint can change its options without changing the component's defaults. */
    public Pop3RawConfiguration copy() {
        try {
            return (Pop3RawConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public boolean isDelete() {
        return delete;
    }

    /**
     * Deletes each message from the server once its exchange completed successfully (DELE, committed by QUIT). A
     * failed exchange never deletes: the message is offered again at the next poll. Either delete=true or an
     * idempotentRepository (or both) is required.
     */
    public void setDelete(boolean delete) {
        this.delete = delete;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    /**
     * Remembers the messages already processed, keyed user{@literal @}host:port/UIDL, so that a message in the repository is
     * not retrieved again. The key is added once the message was processed. With a repository shared by several
     * consumers, a lease (see claims) keeps the others away while the message is processed. Use a persistent
     * repository: an in-memory one forgets everything at restart and the whole mailbox is consumed again.
     */
    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public int getConfirmedKeyCacheSize() {
        return confirmedKeyCacheSize;
    }

    /**
     * How many UIDLs the consumer remembers as known to the idempotent repository (confirmed by this consumer, or
     * found in the repository), so that a poll of a mailbox already seen asks the repository only about new
     * messages instead of making one query per listed message. Only UIDLs the server still lists are kept. 0
     * disables the cache (every listed message is looked up at every poll). A key removed from the repository by
     * someone else is not noticed while its UIDL is cached: see confirmedKeyCacheTtl.
     */
    public void setConfirmedKeyCacheSize(int confirmedKeyCacheSize) {
        this.confirmedKeyCacheSize = confirmedKeyCacheSize;
    }

    public long getConfirmedKeyCacheTtl() {
        return confirmedKeyCacheTtl;
    }

    /**
     * After how long a UIDL in the confirmed-key cache is checked against the idempotent repository again, in
     * milliseconds; 0 (the default) means never while the consumer runs. Set it when processed keys may be removed
     * from the repository by someone else (an operator who wants a message consumed again) and this consumer should
     * notice.
     */
    public void setConfirmedKeyCacheTtl(long confirmedKeyCacheTtl) {
        this.confirmedKeyCacheTtl = confirmedKeyCacheTtl;
    }

    public long getClaimTimeout() {
        return claimTimeout;
    }

    /**
     * With claims=lease: the lease period, in milliseconds (default 15 seconds). The consumer renews the lease on a
     * message every period while the route runs, so a route may take any time; a consumer that dies (a crash, a kill)
     * renews no more, and its message is taken by any consumer sharing the repository one to two periods later. Keep
     * the clocks of the consumers in sync to well within it, and keep the JVM from pausing (GC) for longer.
     */
    public void setClaimTimeout(long claimTimeout) {
        this.claimTimeout = claimTimeout;
    }

    public ClaimMode getClaims() {
        return claims;
    }

    /**
     * With an idempotent repository: whether a message is claimed in the repository while it is routed, to keep other
     * consumers sharing the repository away. auto (default): none for Camel's memory and file repositories (they cannot
     * be shared between JVMs), leases for any other (JDBC, Redis...). lease: a lease renewed while the route runs
     * (see claimTimeout), for consumers in several JVMs sharing one repository. none: only this consumer reads the
     * mailbox with this repository (also when a leader election makes sure of it); a message costs two repository
     * operations, a lookup and the processed key.
     */
    public void setClaims(ClaimMode claims) {
        this.claims = claims;
    }

    public InitialBacklog getInitialBacklog() {
        return initialBacklog;
    }

    /**
     * What to do with the mail already in the mailbox when the consumer first polls it with a new idempotent
     * repository. process (default): it is processed like any message. skip: at the first poll after start, if the
     * repository has no marker for this mailbox yet, every listed message is recorded in the repository as seen
     * without being retrieved, then the marker is added; from then on only mail that arrives later is processed. A
     * skipped message is never deleted by the consumer, also with delete=true. Requires an idempotentRepository
     * (persistent, or every restart without the marker skips again).
     */
    public void setInitialBacklog(InitialBacklog initialBacklog) {
        this.initialBacklog = initialBacklog;
    }

    public String getDeleteAfter() {
        return deleteAfter;
    }

    /**
     * Leaves each message the route handled successfully on the server for this long, then deletes it at the first
     * poll after (DELE, committed by QUIT); it is never retrieved again in between. The age counts from when the
     * message was first processed (its processed key was recorded), not from its Date or Received headers. Camel's
     * duration syntax (14d, 36h, 1d12h) or ISO-8601 (P14D, PT36H); zero, negative or unreadable values fail at start.
     * Requires an idempotentRepository and excludes delete=true. The times are kept in deleteAfterStateRepository, or,
     * without it, read from camel-sql's JdbcMessageIdRepository (its createdAt column). Messages skipped by
     * initialBacklog=skip are never deleted.
     */
    public void setDeleteAfter(String deleteAfter) {
        this.deleteAfter = deleteAfter;
    }

    public StateRepository<String, String> getDeleteAfterStateRepository() {
        return deleteAfterStateRepository;
    }

    /**
     * With deleteAfter: where the time each message was first processed is kept, under the message's processed key
     * in the idempotent repository (mailbox identity and UIDL), the value an ISO-8601 instant; for example Camel's
     * FileStateRepository. Use a persistent one that every node sharing the idempotent repository can read. Not
     * needed with camel-sql's JdbcMessageIdRepository, whose createdAt column holds the time; when set, it is used
     * instead.
     */
    public void setDeleteAfterStateRepository(StateRepository<String, String> deleteAfterStateRepository) {
        this.deleteAfterStateRepository = deleteAfterStateRepository;
    }

    public int getMaxMessagesPerPoll() {
        return maxMessagesPerPoll;
    }

    /** The most messages retrieved in one poll (one POP3 session); 0 or less means no limit. */
    public void setMaxMessagesPerPoll(int maxMessagesPerPoll) {
        this.maxMessagesPerPoll = maxMessagesPerPoll;
    }

    public long getMaxMessageSize() {
        return maxMessageSize;
    }

    /**
     * The largest message retrieved, in octets as the server lists them (LIST); a larger message is handled per
     * oversizeAction without being retrieved. It also bounds the octets really received: a message that turns out
     * larger than its LIST size said stops the retrieval and its session is dropped without deleting anything; the
     * consumer then remembers the message (in memory), handles it per oversizeAction without retrieving it again, and
     * opens a fresh session in the same poll to commit the deletions and go on with the other messages. 0 means no
     * limit (then a server that sends a message without end fills the stream cache's disk).
     */
    public void setMaxMessageSize(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public OversizeAction getOversizeAction() {
        return oversizeAction;
    }

    /**
     * What to do with a message larger than maxMessageSize: skip (leave it on the server, warn once), fail (leave it
     * and report an error through the consumer's exception handler at every poll), delete (delete it unread).
     */
    public void setOversizeAction(OversizeAction oversizeAction) {
        this.oversizeAction = oversizeAction;
    }

    public boolean isStreamDownload() {
        return streamDownload;
    }

    /**
     * Routes a message that does not fit in the first 64 KiB while it still arrives: the route reads it from the
     * connection (every byte also goes to the stream cache, so it can be read again), instead of waiting until it is
     * whole in the cache. Receiving and routing then overlap, which pays for large messages. The exchange has no
     * CamelPop3RawSize header (the size is not known when it starts); a connection lost in the middle fails the
     * exchange, and the message is offered again. A message is routed before the next one is read, so when the server
     * refuses a RETR after the last streamed message, no exchange of the poll has CamelBatchComplete=true.
     */
    public void setStreamDownload(boolean streamDownload) {
        this.streamDownload = streamDownload;
    }

    public boolean isMapHeaders() {
        return mapHeaders;
    }

    /**
     * Maps every header field of the message to a Camel header under its own name, as camel-mail does (Subject, From,
     * To, Reply-To, In-Reply-To, References, List-Id...), so that routes written for camel-mail and
     * ${header.Subject} carry over. Values are unfolded and decoded (RFC 2047 encoded-words, RFC 2231 parameters of
     * Content-Type and Content-Disposition, 8-bit octets as UTF-8 or else windows-1252); a field that occurs more than
     * once becomes a List of its values. Each field passes the headerFilterStrategy, which by default drops names
     * starting with Camel or mail.smtp. in any case. The CamelPop3Raw headers are set as without it, and win. Fields
     * beyond the first 64 KiB of a header block are not mapped. Off by default: then no work is done for it.
     */
    public void setMapHeaders(boolean mapHeaders) {
        this.mapHeaders = mapHeaders;
    }

    public long getSpoolThreshold() {
        return spoolThreshold;
    }

    boolean isSpoolThresholdSet() {
        return spoolThresholdSet;
    }

    /**
     * The most octets of a message held in the heap when the context's stream caching does not spool to disk
     * (Camel's default): a longer message is written to a spool file while it is received, and the route reads it
     * from there. The files go to the stream caching spool directory when the context has one, else to a directory
     * of the component in java.io.tmpdir (readable by the JVM's user only, removed when the component stops). When the
     * context spools (streamCachingSpoolEnabled=true), its own rules decide instead (streamCachingSpoolThreshold,
     * default 128 KiB); when it does not but streamCachingSpoolThreshold was changed, that threshold is used unless
     * this option is set. 0 or less keeps every message whole in the heap (not recommended: a large message can
     * exhaust it). Also bounds what streamDownload keeps of a message in the heap.
     */
    public void setSpoolThreshold(long spoolThreshold) {
        this.spoolThreshold = spoolThreshold;
        this.spoolThresholdSet = true;
    }

    public long getInUseDelay() {
        return inUseDelay;
    }

    /**
     * How long to wait before connecting again after the server answered [IN-USE] (the maildrop is locked) or
     * [LOGIN-DELAY] without announcing the delay in CAPA, in milliseconds. An announced LOGIN-DELAY is always honoured.
     */
    public void setInUseDelay(long inUseDelay) {
        this.inUseDelay = inUseDelay;
    }

    public boolean isPipelining() {
        return pipelining;
    }

    /** Sends several commands without waiting for each reply (RFC 2449 PIPELINING) when the server offers it. */
    public void setPipelining(boolean pipelining) {
        this.pipelining = pipelining;
    }

    public int getPipelineWindow() {
        return pipelineWindow;
    }

    /** How many RETR commands are kept in flight when pipelining (1 to 1000). */
    public void setPipelineWindow(int pipelineWindow) {
        this.pipelineWindow = pipelineWindow;
    }

    public int getDebugLevel() {
        return debugLevel;
    }

    /**
     * The POP3 client's debug output (logger dev.pop3raw.client): 0 quiet, 1 one line per command, 2 every line on
     * the wire. Passwords and tokens are always redacted.
     */
    public void setDebugLevel(int debugLevel) {
        this.debugLevel = debugLevel;
    }
}
