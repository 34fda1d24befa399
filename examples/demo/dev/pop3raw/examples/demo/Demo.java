package dev.pop3raw.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.pop3raw.camel.Pop3RawEndpoint;
import dev.pop3raw.examples.demo.ExampleRunner.Dsl;
import dev.pop3raw.examples.demo.ExampleRunner.Mode;

/**
 * README command 1: {@code mvn -q -B test-compile exec:java@demo}.
 * <p>
 * Without a server configured it starts an in-process POP3 server (GreenMail) filled with {@link DemoMessages},
 * runs the example route (examples/yaml/mail-to-files.camel.yaml) over it with camel-main, and exits once every
 * demo message was written to {@code target/demo-mail/<mailbox>/<uidl>.eml} and deleted from the mailbox. It exits with a
 * failure when that does not happen within {@code demo.timeout} seconds.
 * <p>
 * Settings, each a system property ({@code -Dname=value}) or the environment variable in brackets:
 * <ul>
 * <li>{@code pop3.host} (POP3_HOST): a real server; then the demo mailbox is not started, and the route runs
 * until Ctrl+C. Also {@code pop3.port} (POP3_PORT, default 995), {@code pop3.tls} (POP3_TLS, default auto),
 * {@code pop3.user} (POP3_USER), {@code pop3.password} (POP3_PASSWORD).</li>
 * <li>{@code demo.mode}: {@code delete} or {@code idempotent}, or {@code pdfs}: the save-every-PDF example
 * (examples/yaml/save-pdf-attachments.camel.yaml), which writes only the PDF attachments, to
 * {@code <mailbox>/<uidl>/<part>-<file name>}, and deletes each message. Default: delete for the demo mailbox,
 * idempotent (nothing deleted) for a real server.</li>
 * <li>{@code demo.dsl}: {@code yaml} (default) or {@code java} (the Java DSL RouteBuilders in examples/java).</li>
 * <li>{@code demo.keepRunning}: true keeps polling after the demo mailbox was drained (until Ctrl+C).</li>
 * <li>{@code mail.output} (MAIL_OUTPUT): the output folder, default target/demo-mail.</li>
 * <li>{@code demo.timeout}: seconds to wait for the demo messages, default 60.</li>
 * </ul>
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        String host = setting("pop3.host", "POP3_HOST", null);
        Mode mode = Mode.valueOf(setting("demo.mode", "DEMO_MODE", host == null ? "delete" : "idempotent")
                .toUpperCase(Locale.ROOT));
        Dsl dsl = Dsl.valueOf(setting("demo.dsl", "DEMO_DSL", "yaml").toUpperCase(Locale.ROOT));
        boolean keepRunning = Boolean.parseBoolean(setting("demo.keepRunning", "DEMO_KEEP_RUNNING", "false"));
        Path output = Path.of(setting("mail.output", "MAIL_OUTPUT", "target/demo-mail"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(setting("demo.timeout", "DEMO_TIMEOUT", "60")));

        int exitCode = host == null
                ? demoMailbox(dsl, mode, output, keepRunning, timeout)
                : realServer(host, dsl, mode, output);
        if (exitCode != 0) {
            System.exit(exitCode); // exec:java: makes mvn exit non-zero without a Maven stack trace
        }
    }

    /** The self-terminating demo: returns 0 when every demo message was delivered (and, in delete mode, deleted). */
    public static int demoMailbox(Dsl dsl, Mode mode, Path output, boolean keepRunning, Duration timeout)
            throws Exception {
        List<String> messages = DemoMessages.all();
        int expected = messages.size();
        clean(output);
        try (DemoMailbox mailbox = DemoMailbox.start(messages)) {
            say("Demo mailbox: POP3 on %s:%d (user %s), %d messages. Route: %s, %s mode. Output: %s",
                    mailbox.host(), mailbox.port(), DemoMailbox.USER, expected,
                    dsl == Dsl.YAML ? ExampleRunner.yamlRoute(mode) : "Java DSL (examples/java)",
                    mode.name().toLowerCase(Locale.ROOT), output);
            Map<String, String> properties = demoProperties(mailbox, output);
            if (mode == Mode.PDFS) {
                return savePdfs(dsl, properties, expected, timeout, keepRunning, mailbox);
            }
            try (ExampleRunner run = ExampleRunner.start(dsl, mode, properties)) {
                Pop3RawEndpoint endpoint = run.endpoint();
                boolean done = ExampleRunner.await(() -> run.writtenFiles().size() >= expected
                        && (mode == Mode.DELETE
                                ? endpoint.getMessagesDeleted() >= expected
                                : endpoint.getMessagesConsumed() >= expected),
                        timeout);
                List<Path> files = run.writtenFiles();
                if (!done) {
                    say("FAILED: %d of %d demo messages written (%d deleted) within %d s. Last poll error: %s",
                            files.size(), expected, endpoint.getMessagesDeleted(), timeout.toSeconds(),
                            endpoint.getLastError().isEmpty() ? "none" : endpoint.getLastError());
                    return 1;
                }
                say("Done: %d/%d demo messages written to %s/<mailbox>/<uidl>.eml; %s", files.size(), expected, output,
                        mode == Mode.DELETE
                                ? mailbox.messageCount() + " left in the mailbox"
                                : "all still in the mailbox, remembered in " + output.resolve("seen-uidls.txt"));
                for (Path file : files) {
                    say("  %-40s %6d octets", file.getFileName(), Files.size(file));
                }
                if (keepRunning) {
                    say("demo.keepRunning=true: still polling %s:%d every second; Ctrl+C to stop", mailbox.host(),
                            mailbox.port());
                    waitForCtrlC();
                }
                return 0;
            }
        }
    }

    /** The example's properties for the demo mailbox (the overrides of examples/yaml/application.properties). */
    private static Map<String, String> demoProperties(DemoMailbox mailbox, Path output) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pop3.host", mailbox.host());
        properties.put("pop3.port", String.valueOf(mailbox.port()));
        properties.put("pop3.tls", "none"); // GreenMail has no STLS; a password in clear is allowed to loopback only
        properties.put("pop3.user", DemoMailbox.USER);
        properties.put("pop3.password", DemoMailbox.PASSWORD);
        properties.put("pop3.delay", "1000");
        properties.put("mail.output", output.toString());
        properties.put("pop3.seen-file", output.resolve("seen-uidls.txt").toString());
        return properties;
    }

    /**
     * The save-every-PDF example on the demo mailbox: returns 0 once every PDF attachment of the demo messages was
     * written to {@code <mailbox>/<uidl>/<part>-<file name>} and every message deleted.
     */
    private static int savePdfs(Dsl dsl, Map<String, String> properties, int messages, Duration timeout,
            boolean keepRunning, DemoMailbox mailbox) throws Exception {
        int expected = DemoMessages.PDFS.size();
        try (ExampleRunner run = ExampleRunner.start(dsl, Mode.PDFS, properties)) {
            Pop3RawEndpoint endpoint = run.endpoint();
            boolean done = ExampleRunner.await(
                    () -> run.pdfFiles().size() >= expected && endpoint.getMessagesDeleted() >= messages, timeout);
            List<Path> files = run.pdfFiles();
            if (!done) {
                say("FAILED: %d of %d PDF attachments written (%d of %d messages deleted) within %d s. Last poll"
                        + " error: %s", files.size(), expected, endpoint.getMessagesDeleted(), messages,
                        timeout.toSeconds(), endpoint.getLastError().isEmpty() ? "none" : endpoint.getLastError());
                return 1;
            }
            say("Done: %d/%d PDF attachments written to %s/<mailbox>/<uidl>/<part>-<file name>; %d of %d demo"
                    + " messages deleted", files.size(), expected, run.output(), endpoint.getMessagesDeleted(),
                    messages);
            for (Path file : files) {
                say("  %-50s %6d octets", run.output().relativize(file), Files.size(file));
            }
            if (keepRunning) {
                say("demo.keepRunning=true: still polling %s:%d every second; Ctrl+C to stop", mailbox.host(),
                        mailbox.port());
                waitForCtrlC();
            }
            return 0;
        }
    }

    /** The example route against a real server, until Ctrl+C. */
    static int realServer(String host, Dsl dsl, Mode mode, Path output) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pop3.host", host);
        properties.put("pop3.port", setting("pop3.port", "POP3_PORT", "995"));
        properties.put("pop3.tls", setting("pop3.tls", "POP3_TLS", "auto"));
        properties.put("pop3.user", setting("pop3.user", "POP3_USER", System.getProperty("user.name")));
        properties.put("pop3.password", setting("pop3.password", "POP3_PASSWORD", ""));
        properties.put("pop3.delay", setting("pop3.delay", "POP3_DELAY", "60000"));
        properties.put("mail.output", output.toString());
        properties.put("pop3.seen-file", setting("pop3.seen-file", "POP3_SEEN_FILE", "target/pop3raw-seen.txt"));
        say("Polling %s:%s as %s, %s mode (%s), writing to %s; Ctrl+C to stop", host, properties.get("pop3.port"),
                properties.get("pop3.user"), mode.name().toLowerCase(Locale.ROOT),
                mode == Mode.DELETE
                        ? "messages are DELETED from the server once written"
                        : "nothing is deleted; consumed UIDLs are kept in " + properties.get("pop3.seen-file"),
                output);
        try (ExampleRunner run = ExampleRunner.start(dsl, mode, properties)) {
            waitForCtrlC();
        }
        return 0;
    }

    private static void waitForCtrlC() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
    }

    /** Removes the .eml and .pdf files of an earlier run, so that the count is this run's. */
    private static void clean(Path output) throws IOException {
        for (Path file : ExampleRunner.emlFiles(output)) {
            Files.delete(file);
        }
        for (Path file : ExampleRunner.pdfFiles(output)) {
            Files.delete(file);
        }
        Files.deleteIfExists(output.resolve("seen-uidls.txt"));
    }

    static String setting(String property, String env, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
