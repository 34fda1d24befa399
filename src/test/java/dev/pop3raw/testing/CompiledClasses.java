package dev.pop3raw.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The component's compiled classes ({@code target/classes}), read for the names they refer to: how the tests prove
 * that an optional library is referred to only by the package that needs it (class names in a class file's constant
 * pool are UTF-8 in internal form, {@code org/apache/james/...}).
 */
public final class CompiledClasses {

    private static final Path CLASSES = Path.of("target/classes");

    private final List<String> names = new ArrayList<>();
    private final List<String> offenders = new ArrayList<>();

    private CompiledClasses() {
    }

    /**
     * The classes outside {@code exemptPackage} (internal form, {@code dev/pop3raw/mime/}) that refer to any of
     * {@code prefixes}; {@link #scanned()} tells how many were read.
     */
    public static CompiledClasses outside(String exemptPackage, String... prefixes) {
        CompiledClasses result = new CompiledClasses();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = CLASSES.relativize(file).toString().replace(File.separatorChar, '/');
                if (name.startsWith(exemptPackage)) {
                    continue;
                }
                result.names.add(name);
                String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (Stream.of(prefixes).anyMatch(constants::contains)) {
                    result.offenders.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** How many classes were read. */
    public int scanned() {
        return names.size();
    }

    /** The classes read that refer to one of the prefixes. */
    public List<String> referring() {
        return offenders;
    }
}
