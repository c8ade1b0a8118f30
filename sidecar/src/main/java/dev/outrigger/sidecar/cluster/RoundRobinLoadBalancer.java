package dev.outrigger.sidecar.cluster;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Envoy's {@code ROUND_ROBIN}, weighted by {@code load_balancing_weight}: each pick takes the
 * next slot of a precomputed schedule, across all event loops.
 *
 * <p>The schedule is built once with the smooth weighted round-robin order (weights 5:1:1 give
 * a a b a c a a, not a a a a a b c), so a heavy endpoint's turns are spread out instead of
 * arriving in bursts. With equal weights it is the plain rotation. Picking is one atomic
 * increment: no lock, no per-pick arithmetic over the endpoints.
 */
final class RoundRobinLoadBalancer implements LoadBalancer {

    /** Longest schedule; larger weight sums are scaled down to this many slots. */
    static final int MAX_SCHEDULE = 1 << 16;

    private final EndpointState[] schedule;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinLoadBalancer(List<EndpointState> endpoints) {
        this.schedule = schedule(endpoints);
    }

    @Override
    public EndpointState choose(LbContext context) {
        if (schedule.length == 0) {
            return null;
        }
        // floorMod keeps the index valid after the counter wraps around.
        return schedule[Math.floorMod(next.getAndIncrement(), schedule.length)];
    }

    /** The order in which endpoints are picked: each appears in proportion to its weight. */
    static EndpointState[] schedule(List<EndpointState> endpoints) {
        int n = endpoints.size();
        long[] weights = new long[n];
        long gcd = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, endpoints.get(i).config().weight());
            gcd = gcd(gcd, weights[i]);
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] /= gcd;
            total += weights[i];
        }
        if (total > MAX_SCHEDULE) {
            long scaled = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = Math.max(1, Math.round((double) weights[i] * MAX_SCHEDULE / total));
                scaled += weights[i];
            }
            total = scaled;
        }
        EndpointState[] out = new EndpointState[(int) total];
        long[] current = new long[n];
        for (int slot = 0; slot < out.length; slot++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            out[slot] = endpoints.get(best);
        }
        return out;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
