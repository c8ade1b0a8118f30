package dev.outrigger.sidecar.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Linkerd's latency-aware balancer: power of two choices over peak-EWMA cost. Each pick draws two
 * distinct endpoints at random and takes the one of lower cost, {@code rtt × (activeRequests + 1)},
 * the first drawn on a tie; {@code rtt} is the endpoint's {@link PeakEwma} estimate, fed by the data
 * path through {@link EndpointState#requestFinished(boolean, boolean, long)}.
 *
 * <p>As in Linkerd, an endpoint without samples starts from {@code defaultRtt} (Linkerd: 30 ms),
 * primed into its estimate the first time a balancer weighs it, and decays from there like any
 * estimate, so a new endpoint is tried once the others' costs reach it, or once its own has decayed.
 * Every estimate decays towards zero between samples with time constant {@code decay} (Linkerd and
 * Finagle: 10 s), which is how an endpoint shunned for being slow gets traffic again. The decay is
 * a property of the endpoint's estimate: building this balancer sets it on every endpoint given
 * (endpoints belong to one cluster, so to one policy).
 *
 * <p>Endpoints' weights are ignored, as Linkerd's are. A pick reads two atomics and computes two
 * exponentials; it writes nothing except the one-time priming. One endpoint: it is always chosen.
 */
final class PeakEwmaLoadBalancer implements LoadBalancer {

    /** Linkerd's default decay time constant. */
    static final Duration DEFAULT_DECAY = Duration.ofNanos(PeakEwma.DEFAULT_DECAY_NANOS);
    /** Linkerd's default round-trip time of an endpoint not measured yet. */
    static final Duration DEFAULT_RTT = Duration.ofMillis(30);

    private static final double MIN_RTT_NANOS = 1;

    private final EndpointState[] endpoints;
    private final long defaultRttNanos;
    private final LongSupplier nanoClock;

    /**
     * @param endpoints the endpoints that may serve
     * @param decay time constant of the estimates' decay, positive
     * @param defaultRtt estimate given to an endpoint not measured yet, not negative
     */
    PeakEwmaLoadBalancer(List<EndpointState> endpoints, Duration decay, Duration defaultRtt) {
        this(endpoints, decay, defaultRtt, System::nanoTime);
    }

    /** As the public-in-package constructor, reading time from {@code nanoClock} (tests). */
    PeakEwmaLoadBalancer(List<EndpointState> endpoints, Duration decay, Duration defaultRtt, LongSupplier nanoClock) {
        if (decay.isNegative() || decay.isZero()) {
            throw new IllegalArgumentException("decay must be positive: " + decay);
        }
        if (defaultRtt.isNegative()) {
            throw new IllegalArgumentException("default RTT must not be negative: " + defaultRtt);
        }
        this.endpoints = endpoints.toArray(new EndpointState[0]);
        this.defaultRttNanos = defaultRtt.toNanos();
        this.nanoClock = nanoClock;
        long decayNanos = decay.toNanos();
        for (EndpointState e : this.endpoints) {
            e.latency().decay(decayNanos);
        }
    }

    @Override
    public EndpointState choose(LbContext context) {
        int n = endpoints.length;
        if (n <= 1) {
            return n == 0 ? null : endpoints[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++; // two distinct endpoints, each pair equally likely
        }
        long now = nanoClock.getAsLong();
        EndpointState a = endpoints[i];
        EndpointState b = endpoints[j];
        return cost(b, now) < cost(a, now) ? b : a;
    }

    /** {@code rtt × (activeRequests + 1)} at {@code nowNanos}, in nanoseconds. */
    double cost(EndpointState e, long nowNanos) {
        PeakEwma latency = e.latency();
        double rtt = latency.estimate(nowNanos);
        if (rtt < 0) {
            latency.prime(defaultRttNanos, nowNanos);
            rtt = latency.estimate(nowNanos);
            if (rtt < 0) {
                rtt = defaultRttNanos;
            }
        }
        // Floored at 1 ns so that estimates decayed to nothing still rank by active requests.
        return Math.max(MIN_RTT_NANOS, rtt) * (Math.max(0, e.activeRequests()) + 1);
    }
}
