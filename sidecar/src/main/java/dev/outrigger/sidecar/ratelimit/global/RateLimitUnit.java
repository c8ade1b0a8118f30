package dev.outrigger.sidecar.ratelimit.global;

import java.time.Duration;

/**
 * The unit of a global limit, as the rate limit service protocol's {@code RateLimitResponse.RateLimit.Unit}.
 * Each unit has the window length Envoy uses for the {@code w=} parameter of {@code x-ratelimit-limit}
 * (a month is 30 days and a year 365, as there).
 */
public enum RateLimitUnit {
    /** Not known: the service did not say. No window. */
    UNKNOWN(0),
    /** One second. */
    SECOND(1),
    /** One minute. */
    MINUTE(60),
    /** One hour. */
    HOUR(3_600),
    /** One day. */
    DAY(86_400),
    /** Seven days. */
    WEEK(604_800),
    /** Thirty days. */
    MONTH(2_592_000),
    /** 365 days. */
    YEAR(31_536_000);

    private final long seconds;

    RateLimitUnit(long seconds) {
        this.seconds = seconds;
    }

    /** The window in seconds, 0 for {@link #UNKNOWN}. */
    public long seconds() {
        return seconds;
    }

    /** The window as a duration, zero for {@link #UNKNOWN}. */
    public Duration window() {
        return Duration.ofSeconds(seconds);
    }
}
