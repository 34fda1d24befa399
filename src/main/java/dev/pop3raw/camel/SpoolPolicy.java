package dev.pop3raw.camel;

import java.io.File;
import java.util.function.Supplier;

import org.apache.camel.StreamCache;
import org.apache.camel.spi.StreamCachingStrategy;
import org.apache.camel.util.ObjectHelper;

/**
 * When a message being received leaves the heap, and where it goes: decided once per consumer start from the context's
 * stream caching strategy and the endpoint's {@code spoolThreshold}.
 * <p>
 * Camel caches streams in memory unless it is told to spool ({@code streamCachingSpoolEnabled}); a consumer that
 * followed only Camel's rules would hold a message of any size whole in the heap in a context configured by nobody.
 * So the consumer spools on its own, and the user's settings win where they were made:
 * <ul>
 * <li>The context spools: its rules decide ({@code shouldSpoolCache}: its threshold, its heap rule), as the user set
 * them up. Only when its own size rule is off (threshold 0 or less) does the endpoint's spoolThreshold still bound
 * the heap.</li>
 * <li>The context does not spool (Camel's default, also with stream caching disabled): a message longer than the
 * endpoint's spoolThreshold when it was set, else than the context's spool threshold when the user changed it from
 * Camel's default, else than 1 MiB, is spooled.</li>
 * <li>An encrypted spool ({@code spoolCipher}) is Camel's: messages go through its {@code CachedOutputStream}. That
 * needs the context to spool; without it the consumer would have to choose between an unencrypted file and the
 * whole message in the heap, so it does not start.</li>
 * </ul>
 * Files go to the strategy's spool directory when it has one (spooling enabled, or a {@link File} set), else to the
 * component's own ({@link Pop3RawComponent#ownSpoolDirectory()}).
 */
final class SpoolPolicy {

    private final StreamCachingStrategy strategy;
    private final boolean contextDecides;
    /** Spool above this many octets (besides the context's rules when it decides); never when 0 or less. */
    private final long threshold;
    private final boolean encrypted;
    private final Supplier<File> ownDirectory;

    private SpoolPolicy(StreamCachingStrategy strategy, boolean contextDecides, long threshold, boolean encrypted,
            Supplier<File> ownDirectory) {
        this.strategy = strategy;
        this.contextDecides = contextDecides;
        this.threshold = threshold;
        this.encrypted = encrypted;
        this.ownDirectory = ownDirectory;
    }

    /**
     * @throws IllegalStateException an encrypted spool is configured but the context does not spool
     */
    static SpoolPolicy of(StreamCachingStrategy strategy, Pop3RawConfiguration config, Supplier<File> ownDirectory) {
        boolean contextSpools = strategy.isEnabled() && strategy.isSpoolEnabled();
        boolean encrypted = ObjectHelper.isNotEmpty(strategy.getSpoolCipher());
        if (encrypted && !contextSpools && config.getSpoolThreshold() > 0) {
            throw new IllegalStateException("pop3raw: the stream caching spool cipher is set, but the context does not"
                    + " spool (streamCachingSpoolEnabled=false); a message above spoolThreshold"
                    + " would be written to disk unencrypted. Enable spooling, or set"
                    + " spoolThreshold=0 to keep every message in the heap");
        }
        long threshold;
        if (contextSpools) {
            threshold = strategy.getSpoolThreshold() > 0 ? 0 : config.getSpoolThreshold();
        } else if (!config.isSpoolThresholdSet() && strategy.getSpoolThreshold() > 0
                && strategy.getSpoolThreshold() != StreamCache.DEFAULT_SPOOL_THRESHOLD) {
            threshold = strategy.getSpoolThreshold();
        } else {
            threshold = config.getSpoolThreshold();
        }
        return new SpoolPolicy(strategy, contextSpools, threshold, encrypted, ownDirectory);
    }

    /** Whether a message of {@code length} octets so far must no longer be held in the heap. */
    boolean spools(long length) {
        return (threshold > 0 && length > threshold) || (contextDecides && strategy.shouldSpoolCache(length));
    }

    /**
     * The most octets of a message the heap holds under this policy, as far as a size decides: Long.MAX_VALUE when
     * none does (spoolThreshold=0, or a context whose rules are not about size).
     */
    long heapBound() {
        if (threshold > 0) {
            return threshold;
        }
        return contextDecides && strategy.getSpoolThreshold() > 0 ? strategy.getSpoolThreshold() : Long.MAX_VALUE;
    }

    /** Spooled messages go through Camel's {@code CachedOutputStream}, which encrypts them. */
    boolean encrypted() {
        return encrypted;
    }

    /**
     * Where the consumer's own spool files go: the context's spool directory when it has one. (Camel 4.22 adds a
     * per-exchange {@code resolveSpoolDirectory}, whose default is this same answer; it is not called so that the jar
     * also runs on Camel 4.18.)
     */
    File directory() {
        File dir = strategy.getSpoolDirectory();
        return dir != null ? dir : ownDirectory.get();
    }

    @Override
    public String toString() {
        return (contextDecides ? "the context's spool rules" : "no spooling by the context")
                + (threshold > 0 ? ", above " + threshold + " octets" : "") + (encrypted ? ", encrypted by Camel" : "");
    }
}
