package dev.outrigger.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reading the stderr of a process a test started. */
public final class ProcessLog {

    private ProcessLog() {
    }

    /**
     * Returns once a line of {@code process}'s stderr contains {@code needle}; fails with
     * everything it logged if the process ends first or the line does not come within
     * {@code timeout}. A daemon thread goes on draining stderr, so the process never blocks on it.
     */
    public static void awaitLine(Process process, String needle, Duration timeout) throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains(needle)) {
                        seen.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            synchronized (log) {
                seen.completeExceptionally(new AssertionError("process ended before \"" + needle + "\":\n" + log));
            }
        }, "stderr-reader");
        reader.setDaemon(true);
        reader.start();
        seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
