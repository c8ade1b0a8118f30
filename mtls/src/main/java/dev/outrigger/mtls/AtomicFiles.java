package dev.outrigger.mtls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes credential files by renaming a finished temporary file into place, so that a process
 * watching them (a {@link FileCredentialSource}) never reads half a file.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code file}, readable by everyone where the file system has POSIX permissions. */
    public static void write(Path file, String content) throws IOException {
        write(file, content, "rw-r--r--");
    }

    /** Writes {@code content} to {@code file}, readable only by its owner (0600) where the file system has POSIX permissions. */
    public static void writeSecret(Path file, String content) throws IOException {
        write(file, content, "rw-------");
    }

    /** Whether {@code file}'s permissions are exactly {@code rw-------}; true where there are no POSIX permissions. */
    public static boolean isOwnerOnly(Path file) throws IOException {
        if (!supportsPosix(file)) {
            return true;
        }
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals("rw-------");
    }

    private static void write(Path file, String content, String permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // createTempFile makes the file 0600 on POSIX, so a key is never readable by others, even briefly.
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            if (supportsPosix(temp)) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean supportsPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
