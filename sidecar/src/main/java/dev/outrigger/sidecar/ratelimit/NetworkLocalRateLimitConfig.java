package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;

/**
 * Envoy's network local rate limit filter ({@code envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit}):
 * a bucket of new connections for one filter chain. Immutable; a {@link ConnectionRateLimiter} holds the bucket.
 *
 * @param statPrefix prefixes the filter's statistics ({@code stat_prefix}, required)
 * @param tokenBucket one token per accepted connection ({@code token_bucket}, required)
 * @param enabled whether the filter limits at all ({@code runtime_enabled.default_value}, default true)
 */
public record NetworkLocalRateLimitConfig(String statPrefix, TokenBucketSpec tokenBucket, boolean enabled) {

    public NetworkLocalRateLimitConfig {
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(tokenBucket, "tokenBucket");
    }
}
