package dev.outrigger.sidecar.ratelimit.global;

import java.time.Duration;
import java.util.Objects;

/**
 * The verdict on one descriptor of a request, as the protocol's {@code RateLimitResponse.DescriptorStatus}.
 *
 * @param code the descriptor's verdict
 * @param currentLimit the limit it was counted against, or null when none applies (the service has
 *     no limit for it, or did not look at it); statuses without one take no part in {@code x-ratelimit-*}
 * @param limitRemaining requests left in the current window, 0 to 4294967295
 * @param durationUntilReset time until the current window resets, or null when not known
 */
public record DescriptorStatus(RateLimitCode code, CurrentLimit currentLimit, long limitRemaining,
        Duration durationUntilReset) {

    /** Under no limit: what a service answers for a descriptor it has no limit for. */
    public static final DescriptorStatus UNLIMITED = new DescriptorStatus(RateLimitCode.OK, null, 0, null);

    /** Not looked at: another descriptor of the request was already known to be over its limit. */
    public static final DescriptorStatus NOT_CHECKED = new DescriptorStatus(RateLimitCode.UNKNOWN, null, 0, null);

    public DescriptorStatus {
        Objects.requireNonNull(code, "code");
        if (limitRemaining < 0 || limitRemaining > CurrentLimit.MAX_REQUESTS_PER_UNIT) {
            throw new IllegalArgumentException("limitRemaining must be 0 to " + CurrentLimit.MAX_REQUESTS_PER_UNIT
                    + ", got " + limitRemaining);
        }
        if (durationUntilReset != null && durationUntilReset.isNegative()) {
            throw new IllegalArgumentException("durationUntilReset must not be negative, got " + durationUntilReset);
        }
    }
}
