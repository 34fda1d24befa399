package dev.pop3raw.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Dovecot binary and decides what a test does when it is missing.
 *
 * <p>On a developer machine without Dovecot the tests that need it are skipped (JUnit assumption). In CI
 * ({@code CI=true}) a missing Dovecot is an installation error, so the test fails instead of being
 * silently skipped.
 *
 * <p>The binary is looked up in {@code $DOVECOT_BINARY}, then {@code /usr/sbin/dovecot},
 * {@code /usr/local/sbin/dovecot}, then every directory on {@code PATH}.
 */
public final class DovecotAvailability {

    private DovecotAvailability() {
    }

    /** The Dovecot binary, if one is installed. */
    public static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getenv("DOVECOT_BINARY");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        candidates.add(Path.of("/usr/sbin/dovecot"));
        candidates.add(Path.of("/usr/local/sbin/dovecot"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "dovecot"));
                }
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Whether this run is a CI run: the environment variable {@code CI} is set to anything but empty, {@code "0"},
     * {@code "false"} or {@code "no"}. CI services spell it differently ({@code true}, {@code 1}, {@code yes}); a
     * spelling this method did not know would turn a missing Dovecot or PostgreSQL into a silent skip.
     */
    public static boolean isCi() {
        return ServerKit.isCi();
    }

    static boolean isCi(String value) {
        return ServerKit.isCi(value);
    }

    /**
     * Returns the Dovecot binary; when there is none, aborts the calling test (skipped) outside CI and
     * fails it in CI.
     */
    public static Path requireDovecot() {
        return requireDovecot(binary(), isCi());
    }

    static Path requireDovecot(Optional<Path> binary, boolean ci) {
        if (binary.isPresent()) {
            return binary.get();
        }
        ServerKit.missing("Dovecot is not installed (looked in $DOVECOT_BINARY, /usr/sbin, /usr/local/sbin and PATH)",
                "apt-get install -y dovecot-core dovecot-pop3d", ci);
        throw new AssertionError("unreachable");
    }
}
