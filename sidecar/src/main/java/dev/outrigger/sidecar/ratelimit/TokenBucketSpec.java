package dev.outrigger.sidecar.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of a token bucket, as Envoy's {@code envoy.type.v3.TokenBucket}: it holds at most
 * {@code maxTokens} (and starts full), and every {@code fillInterval} adds {@code tokensPerFill}.
 *
 * @param maxTokens capacity and initial content, 1 to 4294967295 ({@code max_tokens})
 * @param tokensPerFill tokens added per interval, 1 to 4294967295 ({@code tokens_per_fill}, default 1)
 * @param fillInterval time between two fills ({@code fill_interval}); Envoy's 50 ms minimum is a
 *     configuration rule, checked where the configuration is read
 */
public record TokenBucketSpec(long maxTokens, long tokensPerFill, Duration fillInterval) {

    /** The largest count a uint32 field can carry. */
    public static final long MAX_UINT32 = 0xFFFF_FFFFL;
    /** Envoy rejects a fill interval below this ("to avoid too aggressive refills"). */
    public static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);

    public TokenBucketSpec {
        if (maxTokens < 1 || maxTokens > MAX_UINT32) {
            throw new IllegalArgumentException("maxTokens must be 1 to " + MAX_UINT32 + ", got " + maxTokens);
        }
        if (tokensPerFill < 1 || tokensPerFill > MAX_UINT32) {
            throw new IllegalArgumentException("tokensPerFill must be 1 to " + MAX_UINT32 + ", got " + tokensPerFill);
        }
        Objects.requireNonNull(fillInterval, "fillInterval");
        if (fillInterval.isNegative() || fillInterval.isZero()) {
            throw new IllegalArgumentException("fillInterval must be positive, got " + fillInterval);
        }
    }

    /** Tokens added per second on average: what orders buckets from strictest to most generous. */
    public double fillRate() {
        return tokensPerFill / (fillInterval.getSeconds() + fillInterval.getNano() / 1e9);
    }

    /** The fill interval in nanoseconds; an interval too long for a long (292 years) never elapses. */
    long fillNanos() {
        try {
            return fillInterval.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
