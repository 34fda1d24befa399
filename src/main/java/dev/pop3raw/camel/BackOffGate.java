package dev.pop3raw.camel;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.client.Capabilities;
import dev.pop3raw.client.Pop3ErrorResponseException;
import dev.pop3raw.client.ResponseCode;

/**
 * The first stage of a poll: whether a session may be opened now. A server that answered {@code [IN-USE]} or
 * {@code [LOGIN-DELAY]} (at connect or login), or that announces a LOGIN-DELAY longer than the poll delay, closes the
 * gate until the delay has passed; polls before that are skipped quietly (not an error). Also remembers the server's
 * last capabilities, which tell the announced LOGIN-DELAY. Thread-safe: JMX and the polling thread read it.
 */
final class BackOffGate {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    private final Pop3RawConfiguration config;
    private final MailboxKey mailbox;
    private final Pop3RawStatistics stats;
    /** No session is opened before this instant ([IN-USE], [LOGIN-DELAY]). */
    private volatile Instant notBefore;
    private volatile boolean busyLogged;
    private volatile boolean loginDelayLogged;
    private volatile Capabilities lastCapabilities = Capabilities.NONE;

    BackOffGate(Pop3RawConfiguration config, MailboxKey mailbox, Pop3RawStatistics stats) {
        this.config = config;
        this.mailbox = mailbox;
        this.stats = stats;
    }

    /** Whether a session may be opened at {@code now}; a poll that may not is counted as skipped. */
    boolean admits(Instant now) {
        Instant wait = notBefore;
        if (wait != null && now.isBefore(wait)) {
            LOG.debug("pop3raw: not connecting to {} before {}", mailbox, wait);
            stats.skippedBusy.incrementAndGet();
            return false;
        }
        return true;
    }

    static boolean isBusy(Pop3ErrorResponseException e) {
        return e.hasCode(ResponseCode.IN_USE) || e.hasCode(ResponseCode.LOGIN_DELAY);
    }

    /**
     * [IN-USE] or [LOGIN-DELAY]: skip this poll quietly and do not connect again before the delay.
     *
     * @param announced the capabilities of the session that was refused; null when it was refused at connect
     */
    void busy(Pop3ErrorResponseException e, Capabilities announced) {
        Duration wait = Duration.ofMillis(config.getInUseDelay());
        if (e.hasCode(ResponseCode.LOGIN_DELAY)) {
            Capabilities caps = announced != null && announced.loginDelay().isPresent() ? announced : lastCapabilities;
            wait = caps.loginDelay().orElse(wait);
        }
        notBefore = Instant.now().plus(wait);
        stats.skippedBusy.incrementAndGet();
        if (!busyLogged) {
            busyLogged = true;
            LOG.warn("pop3raw: {} answered {} ({}); skipping polls for {} s", mailbox, e.responseCode(),
                    e.serverText(), wait.toSeconds());
        } else {
            LOG.debug("pop3raw: {} still answers {}; next attempt in {} s", mailbox, e.responseCode(),
                    wait.toSeconds());
        }
    }

    /** A login succeeded at {@code now}: the gate opens, unless the server announces a LOGIN-DELAY longer than the poll delay. */
    void loggedIn(Instant now, Capabilities caps, long pollDelayMillis) {
        lastCapabilities = caps;
        if (busyLogged) {
            LOG.info("pop3raw: {} accepts logins again", mailbox);
            busyLogged = false;
        }
        notBefore = null;
        caps.loginDelay().ifPresent(delay -> {
            if (delay.toMillis() > pollDelayMillis) {
                // the server would refuse an earlier login: do not even try
                notBefore = now.plus(delay);
                if (!loginDelayLogged) {
                    loginDelayLogged = true;
                    LOG.info("pop3raw: {} announces LOGIN-DELAY {} s, longer than the poll delay; polling no more"
                            + " often than that", mailbox, delay.toSeconds());
                }
            }
        });
    }

    /** Whether the server announced a LOGIN-DELAY at the last login: then no second login in the same poll. */
    boolean announcesLoginDelay() {
        return lastCapabilities.loginDelay().filter(delay -> !delay.isZero()).isPresent();
    }
}
