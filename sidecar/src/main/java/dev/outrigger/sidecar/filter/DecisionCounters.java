package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One filter's decision counters: {@code metric{listener, filter, stat_prefix, <label>, decision}},
 * one counter per value of the label (a policy, a descriptor) and decision, registered when the
 * label value is first seen and then found without allocating. Label values must come from a
 * bounded set (configuration), or the series grow without bound. A decision's tag is its enum
 * constant's name in lower case ({@code SHADOW_DENIED}: {@code shadow_denied}).
 */
final class DecisionCounters<E extends Enum<E>> {

    private final FilterEnvironment environment;
    private final String filter;
    private final String statPrefix;
    private final String metric;
    private final String description;
    private final String label;
    private final String[] decisions;
    private final ConcurrentHashMap<Object, Counter[]> byValue = new ConcurrentHashMap<>();

    DecisionCounters(FilterEnvironment environment, String filter, String statPrefix, String metric,
            String description, String label, Class<E> decisionType) {
        this.environment = environment;
        this.filter = filter;
        this.statPrefix = statPrefix;
        this.metric = metric;
        this.description = description;
        this.label = label;
        E[] constants = decisionType.getEnumConstants();
        this.decisions = new String[constants.length];
        for (E e : constants) {
            decisions[e.ordinal()] = e.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Counts {@code decision} for {@code value} (its label is its {@code toString()}). */
    void count(E decision, Object value) {
        Counter[] counters = byValue.get(value);
        if (counters == null) {
            counters = byValue.computeIfAbsent(value, v -> register(v.toString()));
        }
        counters[decision.ordinal()].increment();
    }

    private Counter[] register(String value) {
        Counter[] counters = new Counter[decisions.length];
        for (int i = 0; i < decisions.length; i++) {
            counters[i] = Counter.builder(metric)
                    .description(description)
                    .tag(MeterNames.TAG_LISTENER, environment.listener())
                    .tag("filter", filter)
                    .tag("stat_prefix", statPrefix)
                    .tag(label, value)
                    .tag("decision", decisions[i])
                    .register(environment.registry());
        }
        return counters;
    }
}
