package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Admits new downstream connections of one filter chain against its bucket: Envoy's network
 * local rate limit filter, which closes a connection that finds the bucket empty. Make one per
 * filter chain configuration when it is translated (a new configuration starts with a full
 * bucket, as in Envoy); it is shared by every event loop, without locks.
 */
public final class ConnectionRateLimiter {

    private final NetworkLocalRateLimitConfig config;
    private final TokenBucket bucket;

    /** The bucket of {@code config}, on {@link System#nanoTime()}. */
    public ConnectionRateLimiter(NetworkLocalRateLimitConfig config) {
        this(config, System::nanoTime);
    }

    /** The bucket of {@code config}, full, filling by {@code nanoClock} (monotonic nanoseconds). */
    public ConnectionRateLimiter(NetworkLocalRateLimitConfig config, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.bucket = new TokenBucket(config.tokenBucket(), nanoClock);
    }

    /**
     * True to accept a new connection, taking a token; false to close it at once (Envoy counts
     * that as {@code rate_limited}). Always true, taking nothing, when the filter is not enabled.
     */
    public boolean tryAcceptConnection() {
        return !config.enabled() || bucket.tryConsume();
    }

    /** The configuration. */
    public NetworkLocalRateLimitConfig config() {
        return config;
    }

    /** Tokens left now. */
    public long remaining() {
        return bucket.remaining();
    }
}
