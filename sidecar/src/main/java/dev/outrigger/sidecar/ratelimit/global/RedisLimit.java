package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.util.Objects;

/**
 * One limit of the built-in Redis backend: requests matching {@code descriptor} may number at most
 * {@code requestsPerUnit} per {@code unit}. A descriptor entry with an empty value matches any
 * value, with a separate count per distinct value, as in the local rate limit filter.
 *
 * @param descriptor the entries a request descriptor must have, in order
 * @param requestsPerUnit requests allowed per window, 0 (refuse every request) to 4294967295
 * @param unit the window: SECOND, MINUTE, HOUR or DAY
 */
public record RedisLimit(Descriptor descriptor, long requestsPerUnit, RateLimitUnit unit) {

    public RedisLimit {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(unit, "unit");
        if (requestsPerUnit < 0 || requestsPerUnit > CurrentLimit.MAX_REQUESTS_PER_UNIT) {
            throw new IllegalArgumentException("requestsPerUnit must be 0 to " + CurrentLimit.MAX_REQUESTS_PER_UNIT
                    + ", got " + requestsPerUnit);
        }
        if (!isSupported(unit)) {
            throw new IllegalArgumentException("unit must be SECOND, MINUTE, HOUR or DAY, got " + unit);
        }
    }

    /** True for the units the Redis backend counts in: SECOND, MINUTE, HOUR and DAY. */
    public static boolean isSupported(RateLimitUnit unit) {
        return unit == RateLimitUnit.SECOND || unit == RateLimitUnit.MINUTE || unit == RateLimitUnit.HOUR
                || unit == RateLimitUnit.DAY;
    }

    /** The limit as a decision reports it. */
    public CurrentLimit currentLimit() {
        return CurrentLimit.of(requestsPerUnit, unit);
    }

    /** The window's length in milliseconds. */
    public long windowMillis() {
        return unit.seconds() * 1000;
    }
}
