package dev.outrigger.sidecar.accesslog;

import dev.outrigger.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Reading the access log files a running sidecar writes, for tests. */
public final class LogFiles {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private LogFiles() {
    }

    /** The lines of {@code file} now; none when it does not exist yet. */
    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines of {@code file} once it has at least {@code n} (writers flush within a second). */
    public static List<String> awaitLines(Path file, int n) throws Exception {
        Await.until(n + " line(s) in " + file, WAIT, () -> lines(file).size() >= n);
        return lines(file);
    }
}
