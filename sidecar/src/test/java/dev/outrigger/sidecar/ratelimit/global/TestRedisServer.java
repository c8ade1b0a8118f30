package dev.outrigger.sidecar.ratelimit.global;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on 127.0.0.1, started for a test with nothing persisted, and a plain
 * client to look into it. Tests that need one skip when it is not installed.
 */
public final class TestRedisServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final int port;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private TestRedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        this.connection = client.connect();
    }

    /** Starts a server on a free port; skips the test when redis-server is not installed. */
    public static TestRedisServer start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "redis-server is not installed at " + BINARY
                + " (apt-get install redis-server); skipping the tests that need a real Redis");
        Exception last = null;
        // A free port can be taken by someone else before the server binds it: try a few.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--loglevel", "notice")
                    .redirectErrorStream(true)
                    .start();
            try {
                awaitReady(p, Duration.ofSeconds(10));
                return new TestRedisServer(p, port);
            } catch (Exception e) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                last = e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitReady(Process p, Duration timeout) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the server ended
            }
            synchronized (log) {
                ready.completeExceptionally(new IllegalStateException("redis-server ended before it was ready:\n" + log));
            }
        }, "redis-server-log");
        reader.setDaemon(true);
        reader.start();
        ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return port;
    }

    /** A blocking client for the test's own look at the server. */
    RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** Times Redis ran {@code command} (e.g. "evalsha"), from INFO commandstats. */
    long calls(String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(commands().info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Script runs so far, by SHA or by text. */
    public long scriptRuns() {
        return calls("evalsha") + calls("eval");
    }

    /**
     * Holds every client's commands for {@code duration} ({@code CLIENT PAUSE}), as a stalled
     * server would; in force once this returns. Commands sent meanwhile run when it ends.
     */
    void pause(Duration duration) {
        commands().clientPause(duration.toMillis());
    }

    /** Stops the server now, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
        // A quiet period lets the event loops finish closing channels, so their buffers are released.
        client.shutdown(100, 2_000, TimeUnit.MILLISECONDS);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
