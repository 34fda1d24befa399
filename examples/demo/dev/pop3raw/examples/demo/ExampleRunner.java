package dev.pop3raw.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import dev.pop3raw.camel.Pop3RawEndpoint;
import dev.pop3raw.examples.MailToFilesIdempotentRoute;
import dev.pop3raw.examples.MailToFilesRoute;
import dev.pop3raw.examples.SavePdfAttachmentsRoute;

/**
 * Runs one of the example routes with camel-main, exactly as a user would: the properties come from
 * examples/yaml/application.properties, and the given overrides win over them (as -D options or environment
 * variables would). Used by {@link Demo} and by the tests that keep the examples working.
 */
public final class ExampleRunner implements AutoCloseable {

    /** The examples folder; the examples use paths relative to the project folder. */
    public static final Path EXAMPLES = Path.of("examples");

    public enum Dsl {
        YAML, JAVA
    }

    public enum Mode {
        /** delete=true: each message is deleted once its exchange completed. */
        DELETE,
        /** a file-based idempotent repository; messages stay on the server. */
        IDEMPOTENT,
        /** delete=true, and only the PDF attachments are written: {@code <mailbox>/<uidl>/<part>-<file name>}. */
        PDFS
    }

    /** A routes-include-pattern that matches nothing (camel-main refuses an empty one). */
    public static final String NO_YAML_ROUTES = "file:examples/java/*.camel.yaml";

    private final Main main;
    private final Path output;

    private ExampleRunner(Main main, Path output) {
        this.main = main;
        this.output = output;
    }

    /** The YAML route file of a mode. */
    public static Path yamlRoute(Mode mode) {
        return EXAMPLES.resolve(switch (mode) {
            case DELETE -> "yaml/mail-to-files.camel.yaml";
            case IDEMPOTENT -> "yaml/mail-to-files-idempotent.camel.yaml";
            case PDFS -> "yaml/save-pdf-attachments.camel.yaml";
        });
    }

    /**
     * Starts camel-main with the example route of {@code dsl} and {@code mode}. {@code overrides} are property
     * overrides such as {@code pop3.host}, {@code pop3.port}, {@code mail.output}.
     */
    public static ExampleRunner start(Dsl dsl, Mode mode, Map<String, String> overrides) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + EXAMPLES.resolve("yaml/application.properties"));
        Map<String, String> properties = new LinkedHashMap<>();
        if (dsl == Dsl.YAML) {
            properties.put("camel.main.routes-include-pattern", "file:" + yamlRoute(mode));
        } else {
            // a pattern that matches no file: only the Java DSL route runs
            properties.put("camel.main.routes-include-pattern", NO_YAML_ROUTES);
            main.configure().addRoutesBuilder(switch (mode) {
                case DELETE -> new MailToFilesRoute();
                case IDEMPOTENT -> new MailToFilesIdempotentRoute();
                case PDFS -> new SavePdfAttachmentsRoute();
            });
        }
        properties.putAll(overrides);
        properties.forEach(main::addOverrideProperty);
        main.start();
        String folder = main.getCamelContext().resolvePropertyPlaceholders("{{mail.output}}");
        return new ExampleRunner(main, Path.of(folder));
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The pop3raw endpoint of the running route. */
    public Pop3RawEndpoint endpoint() {
        Optional<Pop3RawEndpoint> found = context().getEndpoints().stream()
                .filter(Pop3RawEndpoint.class::isInstance).map(Pop3RawEndpoint.class::cast).findFirst();
        return found.orElseThrow(() -> new IllegalStateException("no pop3raw endpoint in the running routes"));
    }

    /** The folder the route writes to. */
    public Path output() {
        return output;
    }

    /** The .eml files in the output folder's mailbox folders (the examples write {@code <mailbox>/<uidl>.eml}). */
    public List<Path> writtenFiles() {
        return emlFiles(output);
    }

    /** The PDF files the PDF example wrote: {@code <mailbox>/<uidl>/<part>-<file name>}. */
    public List<Path> pdfFiles() {
        return pdfFiles(output);
    }

    public static List<Path> pdfFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder, 3)) {
            return files.filter(p -> folder.relativize(p).getNameCount() == 3)
                    .filter(p -> p.getFileName().toString().endsWith(".pdf")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder, e);
        }
    }

    public static List<Path> emlFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder, 2)) {
            return files.filter(p -> folder.relativize(p).getNameCount() == 2)
                    .filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder, e);
        }
    }

    /** Waits until {@code condition} holds; false when {@code timeout} passed first. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
