package dev.outrigger.sidecar.accesslog;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access log destination (a file, stdout or stderr) with its own writer thread. Event loops
 * only {@link #offer} finished lines to a bounded queue; the daemon writer thread encodes them
 * into a 64 KiB buffer and writes it out when full or every {@link SinkSettings#flushInterval},
 * and checks a file for rotation. A full queue drops the line and counts it in
 * {@code outrigger_access_log_dropped_total{path}}: logging never blocks or slows the proxy.
 *
 * <p>Sinks are shared process-wide, one per target: get them from {@link AccessLogSinks}.
 */
public final class AccessLogSink {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogSink.class);
    /** Bytes buffered before a write, as Envoy's default {@code file_flush_min_size_kb}. */
    static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_BATCH = 1024;
    /** Wakes the writer on close; never written. */
    private static final String CLOSE = new String("close");

    private final AccessLogTarget target;
    private final ArrayBlockingQueue<String> queue;
    private final Counter dropped;
    private final SinkOutput output;
    private final Runnable beforeWrite;
    private final long flushNanos;
    private final long reopenNanos;
    private final Thread writer;
    private volatile boolean closed;

    // the writer thread's own state
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private int bufferedLines;
    private boolean failing;

    /**
     * A sink writing to {@code output}, started at once.
     *
     * @param beforeWrite runs on the writer thread before each batch is written: a test hook
     */
    AccessLogSink(AccessLogTarget target, SinkOutput output, SinkSettings settings, Counter dropped,
            Runnable beforeWrite) {
        this.target = target;
        this.output = output;
        this.queue = new ArrayBlockingQueue<>(settings.capacity());
        this.dropped = dropped;
        this.beforeWrite = beforeWrite;
        this.flushNanos = settings.flushInterval().toNanos();
        this.reopenNanos = settings.reopenCheckInterval().toNanos();
        this.writer = new Thread(this::run, "outrigger-access-log " + target.tag());
        writer.setDaemon(true);
        writer.start();
    }

    /** Where this sink writes. */
    public AccessLogTarget target() {
        return target;
    }

    /**
     * Queues one line (its end-of-line included) for the writer thread; never blocks. Returns
     * false, counting the line as dropped, when the queue is full or the sink is closed.
     */
    public boolean offer(String line) {
        if (closed || !queue.offer(line)) {
            dropped.increment();
            return false;
        }
        // closed while offering: the writer may have finished already, so take the line back
        if (closed && queue.remove(line)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    /** Counts a line that was never offered (formatting failed). */
    void countDropped() {
        dropped.increment();
    }

    /** Lines dropped so far. */
    public double dropped() {
        return dropped.count();
    }

    /**
     * Stops taking lines, writes out every line already queued, and closes the output; waits up
     * to {@code timeoutMillis} for the writer thread.
     */
    void close(long timeoutMillis) {
        closed = true;
        queue.offer(CLOSE);
        try {
            writer.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("access log {}: the writer did not finish within {} ms; lines still queued are lost",
                    target, timeoutMillis);
            return;
        }
        List<String> left = new ArrayList<>();
        queue.drainTo(left);
        left.removeIf(line -> line == CLOSE);
        if (!left.isEmpty()) {
            dropped.increment(left.size());
        }
    }

    private void run() {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        long now = System.nanoTime();
        long nextFlush = now + flushNanos;
        long nextReopenCheck = now + reopenNanos;
        while (true) {
            String first;
            try {
                first = queue.poll(Math.max(0, nextFlush - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                beforeWrite.run();
                for (String line : batch) {
                    if (line != CLOSE) {
                        append(line);
                    }
                }
                batch.clear();
            }
            now = System.nanoTime();
            if (now - nextFlush >= 0) {
                // check first, so lines buffered after a rotation go to the new file
                if (now - nextReopenCheck >= 0) {
                    reopenIfMoved();
                    nextReopenCheck = now + reopenNanos;
                }
                flush();
                nextFlush = now + flushNanos;
            }
            if (closed && queue.isEmpty()) {
                break;
            }
        }
        flush();
        try {
            output.close();
        } catch (IOException e) {
            LOG.warn("access log {}: closing failed: {}", target, e.toString());
        }
    }

    private void append(String line) {
        CharBuffer chars = CharBuffer.wrap(line);
        encoder.reset();
        while (encoder.encode(chars, buffer, true).isOverflow()) {
            writeBuffer();
        }
        CoderResult end;
        while ((end = encoder.flush(buffer)).isOverflow()) {
            writeBuffer();
        }
        assert end.isUnderflow();
        bufferedLines++;
    }

    private void flush() {
        writeBuffer();
        try {
            output.flush();
        } catch (IOException e) {
            failed(e, 0);
        }
    }

    /** Writes the buffer out; on failure its lines are counted as dropped. */
    private void writeBuffer() {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        try {
            output.write(buffer);
            if (failing) {
                LOG.info("access log {}: writing again", target);
                failing = false;
            }
        } catch (IOException e) {
            failed(e, bufferedLines);
        } finally {
            buffer.clear();
            bufferedLines = 0;
        }
    }

    private void failed(IOException e, int lines) {
        if (lines > 0) {
            dropped.increment(lines);
        }
        if (!failing) {
            // once per failing period: a full disk must not flood the log
            LOG.warn("access log {}: writing failed, lines are dropped until it works again: {}", target,
                    e.toString());
            failing = true;
        }
    }

    private void reopenIfMoved() {
        try {
            output.reopenIfMoved();
        } catch (IOException e) {
            failed(e, 0);
        }
    }
}
