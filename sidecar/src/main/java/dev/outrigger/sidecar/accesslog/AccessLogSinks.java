package dev.outrigger.sidecar.accesslog;

import dev.outrigger.sidecar.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The process's access log sinks, one per target, shared by every listener and TCP proxy that
 * writes there: two loggers of one file must not each buffer and write it. A sink is opened by
 * the first {@link #acquire} of its target and closed (queued lines written out) by the last
 * {@link #release}, so a config update that keeps a path keeps its sink and its queue.
 *
 * <p>Create one per process, next to the meter registry; {@link #close} at shutdown.
 */
public final class AccessLogSinks implements AutoCloseable {

    /** Opens the output of a target: files, or the process's stdout and stderr. */
    @FunctionalInterface
    interface Opener {
        SinkOutput open(AccessLogTarget target) throws IOException;
    }

    /** How long closing waits for a writer thread to write out its queue. */
    static final long CLOSE_TIMEOUT_MILLIS = 10_000;

    private final MeterRegistry registry;
    private final SinkSettings settings;
    private final Opener opener;
    private final Runnable beforeWrite;
    private final Map<AccessLogTarget, Shared> sinks = new HashMap<>();
    private boolean closed;

    /** A sink with its count of holders. */
    private static final class Shared {
        final AccessLogSink sink;
        int references;

        Shared(AccessLogSink sink) {
            this.sink = sink;
        }
    }

    /** The registry of a running proxy: default settings, real files and streams. */
    public AccessLogSinks(MeterRegistry registry) {
        this(registry, SinkSettings.DEFAULTS, AccessLogSinks::open, () -> {
        });
    }

    /** A registry with other settings, outputs, or a hook run by each writer before a batch (tests). */
    AccessLogSinks(MeterRegistry registry, SinkSettings settings, Opener opener, Runnable beforeWrite) {
        this.registry = registry;
        this.settings = settings;
        this.opener = opener;
        this.beforeWrite = beforeWrite;
    }

    /** The real outputs: the file, or the process's stdout or stderr. */
    static SinkOutput open(AccessLogTarget target) throws IOException {
        return switch (target.kind()) {
            case STDOUT -> new StreamOutput(System.out);
            case STDERR -> new StreamOutput(System.err);
            case FILE -> new FileOutput(target.path());
        };
    }

    /**
     * The sink of {@code target}, opening it (and its file) if no one holds it; each call must
     * be matched by one {@link #release}.
     *
     * @throws IOException when the file cannot be opened for appending
     */
    public synchronized AccessLogSink acquire(AccessLogTarget target) throws IOException {
        if (closed) {
            throw new IllegalStateException("access log sinks are closed");
        }
        Shared shared = sinks.get(target);
        if (shared == null) {
            SinkOutput output = opener.open(target);
            Counter dropped = Counter.builder(MeterNames.ACCESS_LOG_DROPPED)
                    .description("Access log lines not written: queue full, sink closed, or write failed")
                    .tag(MeterNames.TAG_PATH, target.tag())
                    .register(registry);
            shared = new Shared(new AccessLogSink(target, output, settings, dropped, beforeWrite));
            sinks.put(target, shared);
        }
        shared.references++;
        return shared.sink;
    }

    /**
     * Gives back one hold on {@code sink}; the last one closes it, writing out what is queued
     * (this waits for the writer thread: not on an event loop).
     */
    public void release(AccessLogSink sink) {
        synchronized (this) {
            Shared shared = sinks.get(sink.target());
            if (shared == null || shared.sink != sink) {
                return;
            }
            if (--shared.references > 0) {
                return;
            }
            sinks.remove(sink.target());
        }
        sink.close(CLOSE_TIMEOUT_MILLIS);
    }

    /** Targets with an open sink, and how many hold each (for tests and the admin page). */
    public synchronized Map<AccessLogTarget, Integer> openTargets() {
        Map<AccessLogTarget, Integer> out = new HashMap<>();
        sinks.forEach((target, shared) -> out.put(target, shared.references));
        return out;
    }

    /** Closes every sink, held or not, writing out what is queued: at shutdown. */
    @Override
    public void close() {
        Map<AccessLogTarget, Shared> all;
        synchronized (this) {
            closed = true;
            all = new HashMap<>(sinks);
            sinks.clear();
        }
        for (Shared shared : all.values()) {
            shared.sink.close(CLOSE_TIMEOUT_MILLIS);
        }
    }
}
