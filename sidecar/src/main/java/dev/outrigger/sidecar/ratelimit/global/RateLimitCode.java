package dev.outrigger.sidecar.ratelimit.global;

/**
 * A rate limit verdict, as the protocol's {@code RateLimitResponse.Code}. Envoy's filter refuses a
 * request only on {@link #OVER_LIMIT}; an {@link #UNKNOWN} overall code lets it through.
 */
public enum RateLimitCode {
    /** The service gave no code (or, for one descriptor, did not look at it). */
    UNKNOWN,
    /** Under the limit. */
    OK,
    /** Over the limit. */
    OVER_LIMIT
}
