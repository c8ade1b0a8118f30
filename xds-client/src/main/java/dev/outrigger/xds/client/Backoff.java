package dev.outrigger.xds.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential growth capped at a maximum, with full jitter so that many
 * clients cut off by one control-plane restart do not come back in lockstep. Attempt {@code n}
 * (counting from 0) waits a random time between {@code base} and {@code min(max, base * 2^n)}.
 * Not thread-safe: the client uses it on its executor only.
 */
final class Backoff {

    // Past 62 doublings any base exceeds any max in nanos; counting on would overflow the shift.
    private static final int MAX_DOUBLINGS = 62;

    private final long baseNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private int attempt;

    /**
     * @param random values in {@code [0, 1]}: 0 picks {@code base}, 1 picks the attempt's cap
     */
    Backoff(Duration base, Duration max, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got " + base + ", " + max);
        }
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more attempt. */
    Duration next() {
        long cap = cap(attempt);
        if (attempt < MAX_DOUBLINGS) {
            attempt++;
        }
        double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
        long delay = baseNanos + (long) (r * (cap - baseNanos));
        return Duration.ofNanos(Math.min(cap, delay));
    }

    /** Starts again from {@code base}: the last stream got through to the server. */
    void reset() {
        attempt = 0;
    }

    /** The attempts counted since the last reset. */
    int attempt() {
        return attempt;
    }

    /** The largest delay attempt {@code n} may wait. */
    Duration upperBound(int n) {
        return Duration.ofNanos(cap(n));
    }

    private long cap(int n) {
        int doublings = Math.min(n, MAX_DOUBLINGS);
        if (baseNanos > (maxNanos >> doublings)) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << doublings);
    }
}
