package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.metrics.MeterNames;

/**
 * Counts one rate-limit filter's decisions: {@code outrigger_ratelimit_decisions_total{listener,
 * filter, stat_prefix, descriptor, decision}}, decision one of {@code ok}, {@code over_limit},
 * {@code over_limit_not_enforced}, {@code failure_mode_allowed}, {@code error}; descriptor the configured
 * descriptor that decided ({@code key=value, ...}; {@code key=} for one bucket per value) or
 * {@code default}; for a global filter, the request descriptor's keys
 * ({@link GlobalRateLimitHttpFilter#label}). Either way the series are bounded by configuration.
 */
final class RateLimitStats {

    /** The outcomes counted; the {@code decision} tag is the name in lower case. */
    enum Outcome {
        OK, OVER_LIMIT, OVER_LIMIT_NOT_ENFORCED, FAILURE_MODE_ALLOWED, ERROR
    }

    private static final String DEFAULT = "default";

    private final DecisionCounters<Outcome> counters;

    RateLimitStats(FilterEnvironment environment, String filter, String statPrefix) {
        this.counters = new DecisionCounters<>(environment, filter, statPrefix, MeterNames.RATELIMIT_DECISIONS,
                "Decisions of the rate-limit filters", "descriptor", Outcome.class);
    }

    /** Counts {@code outcome} for {@code descriptor} (its label is its {@code toString()}; null: the default bucket). */
    void count(Outcome outcome, Object descriptor) {
        counters.count(outcome, descriptor == null ? DEFAULT : descriptor);
    }
}
