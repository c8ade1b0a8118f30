package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.metrics.MeterNames;

/**
 * Counts one RBAC filter's decisions: {@code outrigger_rbac_decisions_total{listener, filter,
 * stat_prefix, policy, decision}}, decision one of {@code allowed}, {@code denied},
 * {@code shadow_allowed}, {@code shadow_denied}; policy the matched policy's name, or
 * {@code none}. Policy names come from configuration, so the series are bounded.
 */
final class RbacStats {

    /** The outcomes counted; the {@code decision} tag is the name in lower case. */
    enum Outcome {
        ALLOWED, DENIED, SHADOW_ALLOWED, SHADOW_DENIED
    }

    private static final String NONE = "none";

    private final DecisionCounters<Outcome> counters;

    RbacStats(FilterEnvironment environment, String filter, String statPrefix) {
        this.counters = new DecisionCounters<>(environment, filter, statPrefix, MeterNames.RBAC_DECISIONS,
                "Authorization decisions of the RBAC filters", "policy", Outcome.class);
    }

    void count(Outcome outcome, String policy) {
        counters.count(outcome, policy == null ? NONE : policy);
    }
}
