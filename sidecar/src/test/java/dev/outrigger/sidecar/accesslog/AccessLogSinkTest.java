package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SinkSettings RARE_FLUSH = new SinkSettings(100_000, Duration.ofHours(1), Duration.ofHours(1));
    private static final SinkSettings FAST_FLUSH = new SinkSettings(1_000, Duration.ofMillis(5), Duration.ZERO);

    @TempDir
    Path dir;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AccessLogSinks> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(AccessLogSinks::close);
    }

    private AccessLogSinks sinks(SinkSettings settings, Runnable beforeWrite) {
        return sinks(registry, settings, AccessLogSinks::open, beforeWrite);
    }

    private AccessLogSinks sinks(MeterRegistry meters, SinkSettings settings, AccessLogSinks.Opener opener,
            Runnable beforeWrite) {
        AccessLogSinks sinks = new AccessLogSinks(meters, settings, opener, beforeWrite);
        opened.add(sinks);
        return sinks;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void linesFromSeveralThreadsAreWrittenWholeAndEachThreadsInOrder() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(file));
        int threads = 4;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread producer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    // long enough that the 64 KiB buffer is written out several times before close
                    assertTrue(sink.offer("thread=" + id + " seq=" + i + " " + "x".repeat(40) + "\n"));
                }
            });
            producer.start();
            producers.add(producer);
        }
        start.countDown();
        for (Thread producer : producers) {
            producer.join(WAIT.toMillis());
            assertFalse(producer.isAlive());
        }
        sinks.release(sink);

        List<String> lines = Files.readAllLines(file);
        assertEquals(threads * perThread, lines.size());
        Map<Integer, Integer> next = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertEquals(3, parts.length, "a whole line: " + line);
            int id = Integer.parseInt(parts[0].substring("thread=".length()));
            int seq = Integer.parseInt(parts[1].substring("seq=".length()));
            assertEquals(next.getOrDefault(id, 0), seq, "thread " + id + " in order");
            next.put(id, seq + 1);
        }
        assertEquals(0.0, sink.dropped());
    }

    @Test
    void whenTheWriterCannotKeepUpLinesAreDroppedAndCountedNotWaitedFor() throws Exception {
        Path file = dir.resolve("slow.log");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AccessLogSinks sinks = sinks(new SinkSettings(8, Duration.ofMillis(5), Duration.ofHours(1)), () -> {
            writing.countDown();
            try {
                resume.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(file));
        assertTrue(sink.offer("first\n"));
        assertTrue(writing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the writer took the first line");

        for (int i = 0; i < 8; i++) {
            assertTrue(sink.offer("queued " + i + "\n"), "room in the queue for line " + i);
        }
        for (int i = 0; i < 5; i++) {
            assertFalse(sink.offer("over " + i + "\n"), "the queue is full");
        }
        assertEquals(5.0, sink.dropped());
        assertTrue(registry.scrape().contains("outrigger_access_log_dropped_total{path=\"" + file + "\"} 5.0"),
                registry.scrape());

        resume.countDown();
        sinks.release(sink);
        List<String> lines = Files.readAllLines(file);
        assertEquals(9, lines.size());
        assertEquals("first", lines.get(0));
        assertEquals("queued 7", lines.get(8));
    }

    @Test
    void closeWritesOutEverythingStillBuffered() throws Exception {
        Path file = dir.resolve("buffered.log");
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(file));
        for (int i = 0; i < 1_000; i++) {
            assertTrue(sink.offer("line " + i + "\n"));
        }
        // under 64 KiB and no flush for an hour: nothing can have reached the file yet
        assertEquals("", read(file));
        sinks.release(sink);
        List<String> lines = Files.readAllLines(file);
        assertEquals(1_000, lines.size());
        assertEquals("line 999", lines.get(999));
    }

    @Test
    void bufferedLinesReachTheFileWithinTheFlushInterval() throws Exception {
        Path file = dir.resolve("flushed.log");
        AccessLogSink sink = sinks(FAST_FLUSH, () -> {
        }).acquire(AccessLogTarget.file(file));
        assertTrue(sink.offer("soon\n"));
        Await.until("the line is flushed", WAIT, () -> read(file).equals("soon\n"));
    }

    @Test
    void aRotatedFileIsReopenedWithoutASignal() throws Exception {
        Path file = dir.resolve("rotated.log");
        Path rotated = dir.resolve("rotated.log.1");
        AccessLogSink sink = sinks(FAST_FLUSH, () -> {
        }).acquire(AccessLogTarget.file(file));
        assertTrue(sink.offer("before\n"));
        Await.until("the first line is written", WAIT, () -> read(file).equals("before\n"));

        Files.move(file, rotated);
        assertTrue(sink.offer("after\n"));
        Await.until("a new file with the next line", WAIT, () -> read(file).equals("after\n"));
        assertEquals("before\n", read(rotated));
    }

    @Test
    void aLineOfferedAfterCloseIsDroppedAndCounted() throws Exception {
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(dir.resolve("closed.log")));
        sinks.release(sink);
        assertFalse(sink.offer("late\n"));
        assertEquals(1.0, sink.dropped());
        assertEquals("", read(dir.resolve("closed.log")));
    }

    @Test
    void standardOutputGetsWholeLinesAndDevStdoutIsTheSameSink() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        AccessLogSinks sinks = sinks(registry, RARE_FLUSH, target -> {
            assertEquals(AccessLogTarget.STDOUT, target);
            return new StreamOutput(stdout);
        }, () -> {
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.STDOUT);
        assertSame(sink, sinks.acquire(AccessLogTarget.file(Path.of("/dev/stdout"))));
        assertTrue(sink.offer("one\n"));
        assertTrue(sink.offer("two\n"));
        sinks.release(sink);
        assertEquals("", stdout.toString(StandardCharsets.UTF_8), "still held once");
        sinks.release(sink);
        assertEquals("one\ntwo\n", stdout.toString(StandardCharsets.UTF_8));
        assertEquals("/dev/stdout", sink.target().tag());
    }

    @Test
    void oneSinkPerPathUntilTheLastReleaseThenANewOne() throws Exception {
        Path file = dir.resolve("shared.log");
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogSink first = sinks.acquire(AccessLogTarget.file(file));
        AccessLogSink second = sinks.acquire(AccessLogTarget.file(file));
        assertSame(first, second);
        assertEquals(Map.of(AccessLogTarget.file(file), 2), sinks.openTargets());

        sinks.release(first);
        assertTrue(second.offer("still open\n"));
        sinks.release(second);
        assertEquals(Map.of(), sinks.openTargets());
        assertEquals("still open\n", read(file));

        AccessLogSink reopened = sinks.acquire(AccessLogTarget.file(file));
        assertNotSame(first, reopened);
        assertTrue(reopened.offer("again\n"));
        sinks.close();
        assertEquals("still open\nagain\n", read(file));
        assertThrows(IllegalStateException.class, () -> sinks.acquire(AccessLogTarget.STDERR));
    }

    @Test
    void twoSpellingsOfOneFileShareItsSink() throws Exception {
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogTarget plain = AccessLogTarget.file(dir.resolve("same.log"));
        AccessLogTarget roundabout = AccessLogTarget.file(dir.resolve("sub").resolve("..").resolve("same.log"));
        assertEquals(plain, roundabout);
        assertTrue(plain.path().isAbsolute());
        assertSame(sinks.acquire(plain), sinks.acquire(roundabout));
        assertEquals(Map.of(plain, 2), sinks.openTargets());
    }

    @Test
    void aFileThatCannotBeOpenedFailsTheAcquire() {
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        Path missing = dir.resolve("no-such-dir").resolve("access.log");
        assertThrows(IOException.class, () -> sinks.acquire(AccessLogTarget.file(missing)));
        assertEquals(Map.of(), sinks.openTargets());
    }

    @Test
    void nonAsciiIsWrittenAsUtf8EvenAcrossTheBufferBoundary() throws Exception {
        Path file = dir.resolve("utf8.log");
        AccessLogSinks sinks = sinks(RARE_FLUSH, () -> {
        });
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(file));
        String line = "é\uD83D\uDE00".repeat(AccessLogSink.BUFFER_BYTES / 3) + "\n";
        assertTrue(sink.offer(line));
        assertTrue(sink.offer("ünïcödé\n"));
        sinks.release(sink);
        String written = Files.readString(file, StandardCharsets.UTF_8);
        // not assertEquals: a failure would print 200 KB of emoji
        assertTrue(written.equals(line + "ünïcödé\n"), "written intact (" + written.length() + " chars, expected "
                + (line.length() + 8) + ")");
    }
}
