package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.IntSupplier;

/**
 * The active health checking meters of one cluster: probe results and how many endpoints are
 * out of the balancer because they failed. The gauge reads whichever checker runs the cluster now
 * (a replaced cluster's checker hands over to the new one).
 */
public final class HealthCheckStats {

    private static final IntSupplier NONE = () -> 0;

    private final Counter successes;
    private final Counter failures;
    private volatile IntSupplier failedEndpoints = NONE;

    HealthCheckStats(MeterRegistry registry, String cluster) {
        Tags tags = Tags.of(MeterNames.TAG_CLUSTER, cluster);
        successes = Counter.builder(MeterNames.HEALTH_CHECK).tags(tags).tag("result", "success").register(registry);
        failures = Counter.builder(MeterNames.HEALTH_CHECK).tags(tags).tag("result", "failure").register(registry);
        Gauge.builder(MeterNames.HEALTH_CHECK_FAILED_ENDPOINTS, this, s -> s.failedEndpoints.getAsInt())
                .tags(tags).register(registry);
    }

    /** A probe passed ({@code true}) or failed. */
    public void result(boolean success) {
        (success ? successes : failures).increment();
    }

    /** Probes that passed so far. */
    public double successes() {
        return successes.count();
    }

    /** Probes that failed so far. */
    public double failures() {
        return failures.count();
    }

    /** The gauge now reads {@code source}. */
    public void failedEndpoints(IntSupplier source) {
        failedEndpoints = source;
    }

    /** {@code source} stops being read, unless another one has replaced it already. */
    public synchronized void clearFailedEndpoints(IntSupplier source) {
        if (failedEndpoints == source) {
            failedEndpoints = NONE;
        }
    }
}
