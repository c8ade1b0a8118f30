package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.ratelimit.Decision.Outcome;

/**
 * A bucket a request may draw from, with the configured descriptor it belongs to (null for the
 * default bucket) and its three possible decisions, made once so that deciding allocates nothing.
 */
final class Candidate {

    final TokenBucket bucket;
    /** Tokens per second: candidates are tried from the slowest. */
    final double fillRate;
    final Decision allowed;
    final Decision limited;
    final Decision limitedNotEnforced;

    Candidate(TokenBucket bucket, Descriptor descriptor) {
        this.bucket = bucket;
        this.fillRate = bucket.spec().fillRate();
        this.allowed = new Decision(Outcome.ALLOWED, bucket, descriptor);
        this.limited = new Decision(Outcome.LIMITED, bucket, descriptor);
        this.limitedNotEnforced = new Decision(Outcome.LIMITED_NOT_ENFORCED, bucket, descriptor);
    }
}
