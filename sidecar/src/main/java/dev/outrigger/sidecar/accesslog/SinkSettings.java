package dev.outrigger.sidecar.accesslog;

import java.time.Duration;

/**
 * How a sink buffers: lines queued at most, how often buffered bytes are written out, and how
 * often a file's path is checked for rotation.
 *
 * @param capacity lines waiting for the writer thread at most; more are dropped and counted
 * @param flushInterval the longest a line waits in the writer's buffer (Envoy's default: 1s)
 * @param reopenCheckInterval how often the file's path is checked for a rotated file
 */
record SinkSettings(int capacity, Duration flushInterval, Duration reopenCheckInterval) {

    /** 16384 lines, written out every second, rotation checked every 5 seconds. */
    static final SinkSettings DEFAULTS = new SinkSettings(16_384, Duration.ofSeconds(1),
            Duration.ofSeconds(5));

    public SinkSettings {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive, got " + flushInterval);
        }
        if (reopenCheckInterval.isNegative()) {
            throw new IllegalArgumentException("reopenCheckInterval must not be negative");
        }
    }
}
