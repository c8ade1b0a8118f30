package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.route.MutableHeaders;

/**
 * The response headers of the HTTP local rate limit: {@code x-ratelimit-*} of draft RFC version 03
 * ({@code enable_x_ratelimit_headers: DRAFT_VERSION_03}), which Envoy adds to every response of a
 * request the filter was enabled for, and {@code x-envoy-ratelimited} on a refusal.
 */
public final class RateLimitHeaders {

    /** The deciding bucket's capacity. */
    public static final String LIMIT = "x-ratelimit-limit";
    /** Tokens left in it. */
    public static final String REMAINING = "x-ratelimit-remaining";
    /** Seconds until it next fills. */
    public static final String RESET = "x-ratelimit-reset";
    /** Marks a local refusal, value {@code true}, as Envoy's local rate limit filter does. */
    public static final String RATE_LIMITED = "x-envoy-ratelimited";

    private RateLimitHeaders() {
    }

    /**
     * Adds the three {@code x-ratelimit-*} headers for {@code decision} when {@code config} asks
     * for them and a bucket decided; reads the bucket now, as Envoy does when the response headers pass.
     */
    public static void addTo(MutableHeaders headers, LocalRateLimitConfig config, Decision decision) {
        if (!config.xRateLimitHeaders() || decision.bucket() == null) {
            return;
        }
        headers.set(LIMIT, Long.toString(decision.limit()));
        headers.set(REMAINING, Long.toString(decision.remaining()));
        headers.set(RESET, Long.toString(decision.resetSeconds()));
    }
}
