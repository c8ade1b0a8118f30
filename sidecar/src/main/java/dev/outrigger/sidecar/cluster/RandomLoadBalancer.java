package dev.outrigger.sidecar.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code RANDOM}: each pick is an independent draw, uniform over the endpoints when their
 * {@code load_balancing_weight}s are equal, else in proportion to them. Unlike round robin it
 * shares no counter between event loops: a pick reads only immutable arrays and the thread's own
 * {@link ThreadLocalRandom}.
 *
 * <p>Weights are read once, when the balancer is built (as the round-robin schedule is); a weight
 * below 1 counts as 1. A weighted pick is a binary search over the precomputed cumulative weights:
 * O(log endpoints), no allocation.
 */
final class RandomLoadBalancer implements LoadBalancer {

    private final EndpointState[] endpoints;
    /** Running sums of the weights, {@code cumulative[i]} = weights of 0..i; null when all are equal. */
    private final long[] cumulative;

    RandomLoadBalancer(List<EndpointState> endpoints) {
        this.endpoints = endpoints.toArray(new EndpointState[0]);
        this.cumulative = allWeightsEqual(this.endpoints) ? null : cumulativeWeights(this.endpoints);
    }

    @Override
    public EndpointState choose(LbContext context) {
        int n = endpoints.length;
        if (n == 0) {
            return null;
        }
        if (cumulative == null) {
            return endpoints[ThreadLocalRandom.current().nextInt(n)];
        }
        return endpoints[weightedIndex(cumulative)];
    }

    /** An endpoint's weight as the balancers use it: at least 1. */
    static long weight(EndpointState e) {
        return Math.max(1, e.config().weight());
    }

    /** Whether every endpoint has the same weight (then picks are uniform). */
    static boolean allWeightsEqual(EndpointState[] endpoints) {
        for (EndpointState e : endpoints) {
            if (weight(e) != weight(endpoints[0])) {
                return false;
            }
        }
        return true;
    }

    /** The running sums of the endpoints' weights. */
    static long[] cumulativeWeights(EndpointState[] endpoints) {
        long[] out = new long[endpoints.length];
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            sum += weight(endpoints[i]);
            out[i] = sum;
        }
        return out;
    }

    /** An index drawn in proportion to the weights whose running sums are {@code cumulative} (not empty). */
    static int weightedIndex(long[] cumulative) {
        long r = ThreadLocalRandom.current().nextLong(cumulative[cumulative.length - 1]);
        // The first running sum above r: binarySearch gives -(insertion point) - 1 when r is absent.
        int i = Arrays.binarySearch(cumulative, r + 1);
        return i >= 0 ? i : -i - 1;
    }
}
