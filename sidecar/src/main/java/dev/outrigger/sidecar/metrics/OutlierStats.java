package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outlier-detection meters of one cluster: ejections detected and enforced by reason, and
 * the endpoints ejected now. Created once per cluster name (by {@link ClusterStats#outlier()}),
 * so a cluster rebuilt by a configuration change keeps counting on the same meters.
 */
public final class OutlierStats {

    private final MeterRegistry registry;
    private final Tags tags;
    private final AtomicInteger ejected = new AtomicInteger();
    private final ConcurrentMap<String, Counter> enforced = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> detected = new ConcurrentHashMap<>();

    OutlierStats(MeterRegistry registry, Tags clusterTags) {
        this.registry = registry;
        this.tags = clusterTags;
        registry.gauge(MeterNames.OUTLIER_EJECTED_ENDPOINTS, clusterTags, ejected);
    }

    /** An endpoint was ejected for {@code reason}. */
    public void ejected(String reason) {
        counter(enforced, MeterNames.OUTLIER_EJECTIONS, reason).increment();
        ejected.incrementAndGet();
    }

    /** {@code count} endpoints came back (or left with their cluster). */
    public void returned(int count) {
        ejected.addAndGet(-count);
    }

    /** An endpoint was found an outlier for {@code reason}, ejected or not. */
    public void detected(String reason) {
        counter(detected, MeterNames.OUTLIER_EJECTIONS_DETECTED, reason).increment();
    }

    /** Endpoints ejected now. */
    public int ejectedNow() {
        return ejected.get();
    }

    private Counter counter(ConcurrentMap<String, Counter> counters, String name, String reason) {
        Counter c = counters.get(reason);
        if (c == null) {
            c = counters.computeIfAbsent(reason, r -> Counter.builder(name)
                    .tags(tags.and(MeterNames.TAG_REASON, r)).register(registry));
        }
        return c;
    }
}
