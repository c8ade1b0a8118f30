package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogsTest {

    @TempDir
    Path dir;

    private final AccessLogSinks sinks = new AccessLogSinks(new SimpleMeterRegistry(),
            new SinkSettings(1_000, Duration.ofHours(1), Duration.ofHours(1)), AccessLogSinks::open, () -> {
            });

    @AfterEach
    void close() {
        sinks.close();
    }

    private static TextFormat text(String format) throws InvalidFormatException {
        return TextFormat.of(Template.parse(format), false);
    }

    @Test
    void eachLogWritesTheEntriesItsFilterPasses() throws Exception {
        Path all = dir.resolve("all.log");
        Path errors = dir.resolve("errors.log");
        AccessLogs logs = AccessLogs.build(List.of(
                new AccessLogConfig("all", null, AccessLogTarget.file(all), text("%RESPONSE_CODE% %REQ(:PATH)%\n")),
                new AccessLogConfig("errors", new AccessLogFilter.StatusCode(AccessLogFilter.Op.GE, 500),
                        AccessLogTarget.file(errors), text("%RESPONSE_CODE% %RESPONSE_FLAGS%\n"))), sinks);
        assertFalse(logs.isEmpty());
        logs.log(new AccessLogEntry().responseCode(200).path("/ok"));
        logs.log(new AccessLogEntry().responseCode(503).path("/down").responseFlags("no_healthy_upstream"));
        logs.close();
        assertEquals("200 /ok\n503 /down\n", Files.readString(all));
        assertEquals("503 no_healthy_upstream\n", Files.readString(errors));
        assertEquals(Map.of(), sinks.openTargets(), "closing released both sinks");
    }

    @Test
    void logsOfOneFileShareItsSinkAndAFormatIsFormattedOnce() throws Exception {
        Path file = dir.resolve("shared.log");
        int[] reads = {0};
        AccessLogs logs = AccessLogs.build(List.of(
                new AccessLogConfig("a", null, AccessLogTarget.file(file), text("%REQ(x-counted)%\n")),
                new AccessLogConfig("b", null, AccessLogTarget.file(file), text("%REQ(x-counted)%\n"))), sinks);
        assertEquals(Map.of(AccessLogTarget.file(file), 2), sinks.openTargets());
        logs.log(new AccessLogEntry().requestHeaders(name -> {
            reads[0]++;
            return "v";
        }));
        logs.close();
        assertEquals("v\nv\n", Files.readString(file));
        assertEquals(1, reads[0], "the second log reused the first one's line");
    }

    @Test
    void aFailingFileReleasesWhatWasAcquired() {
        Path missing = dir.resolve("missing-dir").resolve("x.log");
        assertThrows(IOException.class, () -> AccessLogs.build(List.of(
                new AccessLogConfig("ok", null, AccessLogTarget.file(dir.resolve("ok.log")), TextFormat.ENVOY_DEFAULT),
                new AccessLogConfig("bad", null, AccessLogTarget.file(missing), TextFormat.ENVOY_DEFAULT)), sinks));
        assertEquals(Map.of(), sinks.openTargets());
    }

    @Test
    void anEntryThatCannotBeFormattedIsCountedNotThrown() throws Exception {
        Path file = dir.resolve("broken.log");
        AccessLogs logs = AccessLogs.build(List.of(new AccessLogConfig("", null, AccessLogTarget.file(file),
                text("%REQ(x-broken)%\n"))), sinks);
        AccessLogSink sink = sinks.acquire(AccessLogTarget.file(file));
        logs.log(new AccessLogEntry().requestHeaders(name -> {
            throw new IllegalStateException("adapter bug");
        }));
        assertEquals(1.0, sink.dropped());
        logs.log(new AccessLogEntry().requestHeaders(name -> "fine"));
        logs.close();
        logs.close();
        assertTrue(sink.offer("still held by the test\n"), "closing twice released once");
        sinks.release(sink);
        assertEquals("fine\nstill held by the test\n", Files.readString(file));
    }

    @Test
    void noLogsIsEmptyAndDoesNothing() throws Exception {
        assertTrue(AccessLogs.NONE.isEmpty());
        AccessLogs.NONE.log(new AccessLogEntry());
        AccessLogs.NONE.close();
        assertTrue(AccessLogs.build(List.of(), sinks).isEmpty());
        assertEquals(Map.of(), sinks.openTargets());
    }
}
