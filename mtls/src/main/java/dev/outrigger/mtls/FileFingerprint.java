package dev.outrigger.mtls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A digest of the contents of some files, to tell whether any changed since the last look. Like
 * {@link FileCredentialSource} it compares contents, not modification times, so in-place writes
 * within one timestamp tick, rename-into-place and Kubernetes' symlink swaps are all seen.
 */
public final class FileFingerprint {

    private FileFingerprint() {
    }

    /** SHA-256 over each file's bytes in order; a missing or unreadable file counts as a distinct state. */
    public static String of(List<Path> files) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (Path file : files) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                digest.update((byte) 1);
                digest.update(longBytes(bytes.length));
                digest.update(bytes);
            } catch (NoSuchFileException e) {
                digest.update((byte) 2);
            } catch (IOException e) {
                digest.update((byte) 3);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
