package dev.outrigger.sidecar.ratelimit.global;

/** How {@link RedisRateLimitService} counts requests against a limit. */
public enum RedisAlgorithm {
    /**
     * One counter per calendar window (a second, minute, hour or day, aligned to the epoch):
     * exact within a window, but a client can send a full limit at the end of one window and
     * another at the start of the next.
     */
    FIXED_WINDOW,
    /**
     * The two-window approximation of a sliding window: the previous window's count, weighted by
     * how much of it the sliding window still covers, plus the current one's. It refuses the burst
     * at a window's edge that {@link #FIXED_WINDOW} lets through twice. Exact when the previous
     * window's requests were spread evenly; never more than the limit within one aligned window;
     * at worst (all of the previous window's requests at its very end) twice the limit within one
     * window length, spread over it. Two counters per limit.
     */
    SLIDING_WINDOW
}
