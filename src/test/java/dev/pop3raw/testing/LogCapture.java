package dev.pop3raw.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of the test JVM at all levels while open, so a test can search the whole output
 * (for example: no password at debug level 2).
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level previousRootLevel;

    private LogCapture(Level least) {
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder()
                        .append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                Throwable t = event.getThrown();
                while (t != null) {
                    line.append(" | ").append(t);
                    t = t.getCause();
                }
                lines.add(line.toString());
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        previousRootLevel = root.getLevel();
        root.addAppender(appender, least, null);
        if (least == Level.ALL) {
            root.setLevel(Level.ALL);
        }
        context.updateLoggers();
    }

    /** Starts capturing everything, at every level. */
    public static LogCapture everything() {
        return new LogCapture(Level.ALL);
    }

    /**
     * Captures WARN and above, leaving the log levels as configured: no Camel TRACE output (which shows endpoint URIs
     * with their passwords) reaches the test log because of the capture.
     */
    public static LogCapture warnings() {
        return new LogCapture(Level.WARN);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(previousRootLevel);
        context.updateLoggers();
        appender.stop();
    }
}
