package dev.pop3raw.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's debug output (poplib's {@code set_debuglevel}). Level 1 logs one line per command sent,
 * level 2 also every line received. It logs at INFO on the logger {@code dev.pop3raw.client.wire}, so that
 * turning the level up shows output without touching logging configuration. Callers hand it commands in
 * their display form, with secrets already replaced by {@link #REDACTED}.
 */
final class WireLog {

    static final String REDACTED = "<redacted>";
    private static final Logger LOG = LoggerFactory.getLogger("dev.pop3raw.client.wire");

    private final String peer;
    private volatile int level;

    WireLog(String peer, int level) {
        this.peer = peer;
        this.level = level;
    }

    void level(int level) {
        if (level < 0 || level > 2) {
            throw new IllegalArgumentException("debug level must be 0, 1 or 2, was " + level);
        }
        this.level = level;
    }

    int level() {
        return level;
    }

    void sent(String displayCommand) {
        if (level >= 1) {
            LOG.info("{} C: {}", peer, displayCommand);
        }
    }

    void received(String line) {
        if (level >= 2) {
            LOG.info("{} S: {}", peer, line);
        }
    }

    void note(String text) {
        if (level >= 1) {
            LOG.info("{} -- {}", peer, text);
        }
    }
}
