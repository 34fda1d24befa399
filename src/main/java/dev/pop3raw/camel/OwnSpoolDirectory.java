package dev.pop3raw.camel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The component's spool directory, for a context whose stream caching strategy has none (it resolves one only when
 * spooling is enabled): {@code camel-pop3raw-*} in java.io.tmpdir, readable by the JVM's user only, created when a
 * message first needs it and removed with what is left in it when the component stops. Spool files are deleted one
 * by one as their polls end; what the removal finds is what an exchange still running at the stop held.
 */
final class OwnSpoolDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(OwnSpoolDirectory.class);

    private Path directory;

    synchronized File get() {
        if (directory == null || !Files.isDirectory(directory)) {
            try {
                directory = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                        ? Files.createTempDirectory("camel-pop3raw-",
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        : Files.createTempDirectory("camel-pop3raw-");
            } catch (IOException e) {
                throw new UncheckedIOException("pop3raw: cannot create a spool directory in java.io.tmpdir ("
                        + System.getProperty("java.io.tmpdir") + "): " + e, e);
            }
            LOG.debug("pop3raw: spooling large messages to {}", directory);
        }
        return directory.toFile();
    }

    /** The directory if it was created and not removed yet; else null. */
    synchronized Path created() {
        return directory;
    }

    /** Removes the directory and its files, if it was created. */
    synchronized void remove() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.warn("pop3raw: could not remove the spool directory {}: {}", directory, e.getMessage());
        }
        directory = null;
    }
}
