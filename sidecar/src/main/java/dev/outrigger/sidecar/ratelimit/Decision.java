package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;

/**
 * What the local rate limit decided for one request, and the bucket behind it.
 *
 * @param outcome what to do with the request
 * @param bucket the bucket that decided (the one that refused, or on admission the strictest
 *     matched descriptor's, else the default one), whose state the {@code x-ratelimit-*} headers
 *     report; null when none applied (the filter is not enabled for the request, or no bucket
 *     matched and there is no default one)
 * @param descriptor the configured descriptor whose bucket decided, for metrics and logs; null
 *     for the default bucket. For a wildcard descriptor this is the configured one (with its empty
 *     values), never the request's, so it names a bounded set
 */
public record Decision(Outcome outcome, TokenBucket bucket, Descriptor descriptor) {

    /** The filter is not enabled for this request. */
    public static final Decision NOT_ENABLED = new Decision(Outcome.NOT_ENABLED, null, null);

    /**
     * What happens to the request. Envoy's counters follow from it: {@code enabled} counts all but
     * NOT_ENABLED, {@code ok} ALLOWED, {@code rate_limited} LIMITED and LIMITED_NOT_ENFORCED,
     * {@code enforced} LIMITED.
     */
    public enum Outcome {
        /** {@code filter_enabled} did not select the request: forward it untouched, no headers. */
        NOT_ENABLED,
        /** A token was taken: forward it. */
        ALLOWED,
        /** No token, and {@code filter_enforced} selected the request: answer with the configured status. */
        LIMITED,
        /** No token, but not enforced: forward it with {@code request_headers_to_add_when_not_enforced}. */
        LIMITED_NOT_ENFORCED
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.NOT_ENABLED && bucket != null) {
            throw new IllegalArgumentException("a request the filter is not enabled for has no bucket");
        }
        if (bucket == null && (outcome == Outcome.LIMITED || outcome == Outcome.LIMITED_NOT_ENFORCED)) {
            throw new IllegalArgumentException("a limited request names the bucket that refused it");
        }
    }

    /** True when the request is to be answered locally instead of forwarded. */
    public boolean rejected() {
        return outcome == Outcome.LIMITED;
    }

    /** {@code x-ratelimit-limit}: the deciding bucket's capacity; -1 without a bucket. */
    public long limit() {
        return bucket == null ? -1 : bucket.maxTokens();
    }

    /** {@code x-ratelimit-remaining}: tokens left in the deciding bucket now; -1 without a bucket. */
    public long remaining() {
        return bucket == null ? -1 : bucket.remaining();
    }

    /**
     * {@code x-ratelimit-reset}: whole seconds until the deciding bucket's next fill, rounded up;
     * -1 without a bucket.
     */
    public long resetSeconds() {
        return bucket == null ? -1 : bucket.secondsUntilNextFill();
    }
}
