package dev.pop3raw.oauth2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the refresh token in a file of its own, one line. A save writes a temporary file next to it and renames it
 * over the old one, so a crash in the middle leaves the old token or the new one, never half of one. Where the file
 * system supports POSIX permissions the file is readable and writable by its owner only from the moment it exists.
 */
public final class FileRefreshTokenStore implements RefreshTokenStore {

    private static final FileAttribute<?>[] OWNER_ONLY = {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};

    private final Path file;

    public FileRefreshTokenStore(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<String> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    @Override
    public void save(String refreshToken) throws IOException {
        if (refreshToken == null || refreshToken.isBlank() || refreshToken.contains("\n")) {
            throw new IllegalArgumentException("not a refresh token"); // never echo it
        }
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = createTemp(dir);
        try {
            Files.writeString(temp, refreshToken + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path createTemp(Path dir) throws IOException {
        String prefix = "." + file.getFileName() + ".";
        try {
            return Files.createTempFile(dir, prefix, ".tmp", OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, prefix, ".tmp"); // not POSIX (Windows): the directory's ACL applies
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create a temporary file next to " + file, e);
        }
    }

    @Override
    public String toString() {
        return "FileRefreshTokenStore[" + file + "]";
    }
}
