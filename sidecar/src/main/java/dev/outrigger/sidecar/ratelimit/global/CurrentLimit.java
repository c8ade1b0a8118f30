package dev.outrigger.sidecar.ratelimit.global;

import java.util.Objects;

/**
 * The limit a descriptor is counted against, as the protocol's {@code RateLimitResponse.RateLimit}.
 *
 * @param requestsPerUnit requests allowed per {@code unit}, 0 to 4294967295
 * @param unit the window
 * @param name the limit's name, "" when it has none; appears as {@code name="..."} in {@code x-ratelimit-limit}
 */
public record CurrentLimit(long requestsPerUnit, RateLimitUnit unit, String name) {

    /** The largest value the protocol's uint32 can carry. */
    public static final long MAX_REQUESTS_PER_UNIT = 0xFFFF_FFFFL;

    public CurrentLimit {
        if (requestsPerUnit < 0 || requestsPerUnit > MAX_REQUESTS_PER_UNIT) {
            throw new IllegalArgumentException("requestsPerUnit must be 0 to " + MAX_REQUESTS_PER_UNIT + ", got "
                    + requestsPerUnit);
        }
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(name, "name");
    }

    /** An unnamed limit. */
    public static CurrentLimit of(long requestsPerUnit, RateLimitUnit unit) {
        return new CurrentLimit(requestsPerUnit, unit, "");
    }
}
