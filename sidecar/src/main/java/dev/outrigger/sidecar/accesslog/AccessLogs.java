package dev.outrigger.sidecar.accesslog;

import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access logs of one HTTP connection manager or TCP proxy, running: built from its
 * {@link AccessLogConfig}s with sinks from the process's {@link AccessLogSinks}.
 *
 * <p>The data path calls {@link #log} once per request (HTTP) or connection (TCP), when it
 * ends, on its event loop. That call filters, formats the line into a per-thread builder and
 * offers it to the sink's queue; it never blocks and never throws. {@link #close} when no
 * request can log here any more (the listener drained): it releases the sinks, and a sink
 * another config still uses stays open.
 *
 * <p>Wiring: the config package translates a connection manager's or TCP proxy's
 * {@code access_log} into a {@code List<AccessLogConfig>}; whoever starts the listener calls
 * {@link #build} with the process's {@link AccessLogSinks} (one per process, closed at
 * shutdown) and keeps the result with the listener. Building opens files, so it may fail.
 */
public final class AccessLogs implements AutoCloseable {

    /** No access log: {@link #log} does nothing. */
    public static final AccessLogs NONE = new AccessLogs(new Writer[0], null);

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogs.class);
    private static final int MAX_KEPT_BUILDER = 64 * 1024;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AtomicLong LAST_WARNING = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private static final FastThreadLocal<StringBuilder> LINE = new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
            return new StringBuilder(512);
        }
    };

    /**
     * One configured log with its sink; {@code formatId} is the same for logs with equal formats,
     * so a line is formatted once for all of them.
     */
    private record Writer(AccessLogFilter filter, LogFormat format, int formatId, AccessLogSink sink) {
    }

    private final Writer[] writers;
    private final AccessLogSinks sinks;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AccessLogs(Writer[] writers, AccessLogSinks sinks) {
        this.writers = writers;
        this.sinks = sinks;
    }

    /**
     * Starts the access logs {@code configs} describe, acquiring their sinks from {@code sinks}.
     *
     * @throws IOException when a file cannot be opened; sinks acquired so far are released
     */
    public static AccessLogs build(List<AccessLogConfig> configs, AccessLogSinks sinks) throws IOException {
        if (configs.isEmpty()) {
            return NONE;
        }
        List<Writer> writers = new ArrayList<>(configs.size());
        try {
            List<LogFormat> formats = new ArrayList<>();
            for (AccessLogConfig c : configs) {
                int formatId = formats.indexOf(c.format());
                if (formatId < 0) {
                    formatId = formats.size();
                    formats.add(c.format());
                }
                writers.add(new Writer(c.filter(), c.format(), formatId, sinks.acquire(c.target())));
            }
        } catch (IOException | RuntimeException e) {
            writers.forEach(w -> sinks.release(w.sink()));
            throw e;
        }
        return new AccessLogs(writers.toArray(new Writer[0]), sinks);
    }

    /** True when there is no access log: the data path may skip filling entries. */
    public boolean isEmpty() {
        return writers.length == 0;
    }

    /**
     * Writes {@code entry} to every log whose filter it passes. Call on the thread that filled
     * the entry; it is read only during this call.
     */
    public void log(AccessLogEntry entry) {
        int formatted = -1;
        String line = null;
        for (Writer w : writers) {
            try {
                if (w.filter() != null && !w.filter().matches(entry)) {
                    continue;
                }
                if (w.formatId() != formatted) {
                    line = format(w.format(), entry);
                    formatted = w.formatId();
                }
                w.sink().offer(line);
            } catch (RuntimeException e) {
                w.sink().countDropped();
                warn(e);
            }
        }
    }

    private static String format(LogFormat format, AccessLogEntry entry) {
        StringBuilder out = LINE.get();
        out.setLength(0);
        format.format(entry, out);
        String line = out.toString();
        if (out.capacity() > MAX_KEPT_BUILDER) {
            LINE.set(new StringBuilder(512));
        }
        return line;
    }

    private static void warn(RuntimeException e) {
        long now = System.nanoTime();
        long last = LAST_WARNING.get();
        if (now - last >= WARN_EVERY_NANOS && LAST_WARNING.compareAndSet(last, now)) {
            LOG.warn("an access log entry could not be formatted and was dropped (at most one warning a minute)", e);
        }
    }

    /**
     * Releases the sinks; lines already offered are written. A sink no one else holds is closed,
     * which waits for its writer thread: call it off the event loops. Idempotent.
     */
    @Override
    public void close() {
        if (sinks == null || !closed.compareAndSet(false, true)) {
            return;
        }
        for (Writer w : writers) {
            sinks.release(w.sink());
        }
    }
}
