package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import dev.pop3raw.testing.GreenMailMailbox;

/**
 * The base of the consumer tests that bring their own server (a {@link dev.pop3raw.testing.ScriptedPop3Server}, a
 * proxy, Dovecot): the account alice/s3cret-pw, URIs that poll fast, an exception handler that records, waiting. It
 * starts no server; {@link Pop3RawTestSupport} adds GreenMail.
 */
abstract class Pop3RawCamelTestSupport extends CamelTestSupport {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret-pw";

    protected final RecordingExceptionHandler errors = new RecordingExceptionHandler();
    private int greenMailStartsBefore;

    /**
     * Whether tests of this class may start GreenMail. The tests that bring their own server must not pay for one they
     * never use: every test checks that no GreenMail was started while it ran, unless its class allows it here or the
     * test is marked {@link UsesGreenMail}.
     */
    protected boolean mayStartGreenMail() {
        return false;
    }

    @BeforeEach
    void countGreenMailStarts() {
        greenMailStartsBefore = GreenMailMailbox.starts();
    }

    @AfterEach
    void noGreenMailUnlessAllowed(TestInfo test) {
        boolean marked = test.getTestMethod().map(m -> m.isAnnotationPresent(UsesGreenMail.class)).orElse(false);
        if (!mayStartGreenMail() && !marked) {
            assertEquals(greenMailStartsBefore, GreenMailMailbox.starts(),
                    getClass().getSimpleName() + " brings its own server but started GreenMail");
        }
    }

    static String uri(int port, String options) {
        return "pop3raw:127.0.0.1:" + port + "?username=" + USER + "&password=RAW(" + PASSWORD + ")"
                + "&initialDelay=0&delay=150&readTimeout=5000&connectTimeout=5000"
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** Stream caching that spools bodies above 16 KiB to {@code directory}, as the large-message tests need. */
    static CamelContext spoolingAbove16KiB(CamelContext camel, java.nio.file.Path directory) {
        camel.getStreamCachingStrategy().setSpoolEnabled(true);
        camel.getStreamCachingStrategy().setSpoolThreshold(16 * 1024);
        camel.getStreamCachingStrategy().setSpoolDirectory(directory.toFile());
        return camel;
    }

    /** How many files {@code directory} holds now; 0 when it does not exist (not created yet, or removed). */
    static long filesIn(java.nio.file.Path directory) {
        try (var files = java.nio.file.Files.list(directory.toAbsolutePath())) {
            return files.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static String mail(String subject, String body) {
        return "From: Bob <bob@example.com>\r\nTo: alice@localhost\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + Math.abs(subject.hashCode()) + "@example.com>\r\n\r\n" + body + "\r\n";
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000; // generous: CI machines can be slow
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for: " + what);
    }

    static void awaitQuietly(BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000; // generous: CI machines can be slow
        while (System.currentTimeMillis() < end && !condition.getAsBoolean()) {
            Thread.sleep(50);
        }
    }

    /** Marks a test of a class on its own server that also talks to GreenMail (and so may start one). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface UsesGreenMail {
    }

    /** An ExceptionHandler that records what the consumer reports. */
    static final class RecordingExceptionHandler implements ExceptionHandler {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void handleException(Throwable exception) {
            handleException(null, null, exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            handleException(message, null, exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            messages.add(String.valueOf(message));
            failures.add(exception);
        }
    }
}
