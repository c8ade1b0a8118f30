package dev.outrigger.sidecar.cluster;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Envoy's slow start over any balancer: an endpoint that has just joined the cluster, or come
 * back from failing health checks or an ejection, is accepted only with probability
 * max(min weight, (time since / window)^(1 / aggression)) when picked, and otherwise another pick
 * is made (up to {@value #ATTEMPTS} in all); so its share grows over the window towards its full
 * one, as its weight does in Envoy, without rebuilding the balancer as time passes. An endpoint
 * past its window leaves slow start. Picks of endpoints not warming up cost one volatile read.
 */
final class SlowStartLoadBalancer implements LoadBalancer {

    /** Picks made at most for one request; the last one is taken whatever its state. */
    static final int ATTEMPTS = 4;

    private final LoadBalancer inner;
    private final long windowNanos;
    private final double exponent;
    private final double minFactor;
    private final LongSupplier clock;

    SlowStartLoadBalancer(LoadBalancer inner, LbPolicy.SlowStart slowStart, LongSupplier clock) {
        this.inner = inner;
        this.windowNanos = slowStart.window().toNanos();
        this.exponent = 1.0 / slowStart.aggression();
        this.minFactor = slowStart.minWeightPercent() / 100.0;
        this.clock = clock;
    }

    @Override
    public EndpointState choose(LbContext context) {
        EndpointState e = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            e = inner.choose(context);
            if (e == null) {
                return null;
            }
            long since = e.warmingSince();
            if (since == 0) {
                return e;
            }
            double f = factor(e, clock.getAsLong() - since);
            if (f >= 1.0 || ThreadLocalRandom.current().nextDouble() < f) {
                return e;
            }
        }
        return e;
    }

    /** The share of its weight an endpoint warming for {@code ageNanos} gets; ends its slow start past the window. */
    double factor(EndpointState e, long ageNanos) {
        if (ageNanos >= windowNanos) {
            e.endWarming();
            return 1.0;
        }
        double timeFactor = Math.max(ageNanos, 1) / (double) windowNanos;
        return Math.max(minFactor, exponent == 1.0 ? timeFactor : Math.pow(timeFactor, exponent));
    }
}
