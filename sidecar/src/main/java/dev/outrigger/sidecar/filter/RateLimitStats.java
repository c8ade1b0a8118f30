package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts one rate-limit filter's decisions: {@code outrigger_ratelimit_decisions_total{listener,
 * filter, stat_prefix, descriptor, decision}}, decision one of {@code ok}, {@code over_limit},
 * {@code over_limit_not_enforced}, {@code failure_mode_allowed}, {@code error}; descriptor the configured
 * descriptor that decided ({@code key=value, ...}; {@code key=} for one bucket per value) or
 * {@code default}. Descriptors come from configuration, so the series are bounded.
 */
final class RateLimitStats {

    /** The outcomes counted. */
    enum Outcome {
        OK("ok"), OVER_LIMIT("over_limit"), OVER_LIMIT_NOT_ENFORCED("over_limit_not_enforced"),
        FAILURE_MODE_ALLOWED("failure_mode_allowed"), ERROR("error");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private static final String DEFAULT = "default";

    private final FilterEnvironment environment;
    private final String filter;
    private final String statPrefix;
    private final ConcurrentHashMap<Object, Counter[]> byDescriptor = new ConcurrentHashMap<>();

    RateLimitStats(FilterEnvironment environment, String filter, String statPrefix) {
        this.environment = environment;
        this.filter = filter;
        this.statPrefix = statPrefix;
    }

    /** Counts {@code outcome} for {@code descriptor} (its label is its {@code toString()}; null: the default bucket). */
    void count(Outcome outcome, Object descriptor) {
        Object key = descriptor == null ? DEFAULT : descriptor;
        Counter[] counters = byDescriptor.get(key);
        if (counters == null) {
            counters = byDescriptor.computeIfAbsent(key, k -> register(k.toString()));
        }
        counters[outcome.ordinal()].increment();
    }

    private Counter[] register(String descriptor) {
        Outcome[] outcomes = Outcome.values();
        Counter[] counters = new Counter[outcomes.length];
        for (Outcome o : outcomes) {
            counters[o.ordinal()] = Counter.builder(MeterNames.RATELIMIT_DECISIONS)
                    .description("Decisions of the rate-limit filters")
                    .tag(MeterNames.TAG_LISTENER, environment.listener())
                    .tag("filter", filter)
                    .tag("stat_prefix", statPrefix)
                    .tag("descriptor", descriptor)
                    .tag("decision", o.tag)
                    .register(environment.registry());
        }
        return counters;
    }
}
