package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts one RBAC filter's decisions: {@code outrigger_rbac_decisions_total{listener, filter,
 * stat_prefix, policy, decision}}, decision one of {@code allowed}, {@code denied},
 * {@code shadow_allowed}, {@code shadow_denied}; policy the matched policy's name, or
 * {@code none}. Policy names come from configuration, so the series are bounded.
 */
final class RbacStats {

    /** The outcomes counted. */
    enum Outcome {
        ALLOWED("allowed"), DENIED("denied"), SHADOW_ALLOWED("shadow_allowed"), SHADOW_DENIED("shadow_denied");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private static final String NONE = "none";

    private final FilterEnvironment environment;
    private final String filter;
    private final String statPrefix;
    private final ConcurrentHashMap<String, Counter[]> byPolicy = new ConcurrentHashMap<>();

    RbacStats(FilterEnvironment environment, String filter, String statPrefix) {
        this.environment = environment;
        this.filter = filter;
        this.statPrefix = statPrefix;
    }

    void count(Outcome outcome, String policy) {
        Counter[] counters = byPolicy.get(policy == null ? NONE : policy);
        if (counters == null) {
            counters = byPolicy.computeIfAbsent(policy == null ? NONE : policy, this::register);
        }
        counters[outcome.ordinal()].increment();
    }

    private Counter[] register(String policy) {
        Outcome[] outcomes = Outcome.values();
        Counter[] counters = new Counter[outcomes.length];
        for (Outcome o : outcomes) {
            counters[o.ordinal()] = Counter.builder(MeterNames.RBAC_DECISIONS)
                    .description("Authorization decisions of the RBAC filters")
                    .tag(MeterNames.TAG_LISTENER, environment.listener())
                    .tag("filter", filter)
                    .tag("stat_prefix", statPrefix)
                    .tag("policy", policy)
                    .tag("decision", o.tag)
                    .register(environment.registry());
        }
        return counters;
    }
}
