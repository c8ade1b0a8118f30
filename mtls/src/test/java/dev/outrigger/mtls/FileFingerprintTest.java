package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change detection by content: what a modification time and a size would miss is seen. */
class FileFingerprintTest {

    @TempDir
    Path dir;

    @Test
    void seesAChangeOfSameSizeAndSameModificationTime() throws Exception {
        Path a = dir.resolve("cert.pem");
        Path b = dir.resolve("key.pem");
        Files.writeString(a, "AAAA");
        Files.writeString(b, "BBBB");
        FileTime time = Files.getLastModifiedTime(a);
        String first = FileFingerprint.of(List.of(a, b));
        assertEquals(first, FileFingerprint.of(List.of(a, b)), "nothing changed");

        Files.writeString(a, "AAAB");
        Files.setLastModifiedTime(a, time);
        assertNotEquals(first, FileFingerprint.of(List.of(a, b)));
    }

    @Test
    void tellsMissingEmptyAndMovedBytesApart() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String missing = FileFingerprint.of(List.of(a, b));
        Files.writeString(a, "");
        String empty = FileFingerprint.of(List.of(a, b));
        assertNotEquals(missing, empty);
        Files.writeString(a, "xy");
        Files.writeString(b, "z");
        String one = FileFingerprint.of(List.of(a, b));
        Files.writeString(a, "x");
        Files.writeString(b, "yz");
        assertNotEquals(one, FileFingerprint.of(List.of(a, b)), "the same bytes split differently between the files");
    }
}
