package dev.outrigger.sidecar.cluster;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Endpoints, request hashes and tallies for the hash-based load balancer tests. */
final class HashLbTestSupport {

    private HashLbTestSupport() {
    }

    /** A request whose hash is whatever was last set. */
    static final class Hash implements LbContext {
        long value;

        Hash set(long v) {
            value = v;
            return this;
        }

        @Override
        public boolean hasHash() {
            return true;
        }

        @Override
        public long hash() {
            return value;
        }
    }

    /** Endpoints 10.0.0.1:80, 10.0.0.2:80, ... with these weights. */
    static List<EndpointState> endpoints(int... weights) {
        List<EndpointConfig> eps = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            eps.add(new EndpointConfig("10.0.0." + (i + 1), 80, weights[i]));
        }
        return LoadBalancers.endpointStates(eps, List.of());
    }

    /** {@code n} pseudo-random request hashes, the same ones for the same seed. */
    static long[] hashes(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextLong();
        }
        return out;
    }

    /** The endpoint picked for each of {@code hashes}. */
    static EndpointState[] picks(LoadBalancer lb, long[] hashes) {
        Hash h = new Hash();
        EndpointState[] out = new EndpointState[hashes.length];
        for (int i = 0; i < hashes.length; i++) {
            out[i] = lb.choose(h.set(hashes[i]));
        }
        return out;
    }

    /** How many of {@code picks} went to each endpoint. */
    static Map<EndpointState, Integer> counts(EndpointState[] picks) {
        Map<EndpointState, Integer> counts = new IdentityHashMap<>();
        for (EndpointState e : picks) {
            counts.merge(e, 1, Integer::sum);
        }
        return counts;
    }

    /** Share of keys that went to the same endpoint both times. */
    static double sameShare(EndpointState[] before, EndpointState[] after) {
        int same = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] == after[i]) {
                same++;
            }
        }
        return (double) same / before.length;
    }
}
