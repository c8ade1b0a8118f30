package dev.outrigger.sidecar.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code LEAST_REQUEST}, with its {@code choice_count} and {@code active_request_bias}
 * (Envoy's defaults: 2 and 1.0).
 *
 * <p><b>Equal weights</b>, as Envoy: draw {@code choiceCount} endpoints uniformly at random (the
 * same one may be drawn twice) and take the one with the fewest {@link EndpointState#activeRequests()},
 * the earliest drawn on a tie. An endpoint is avoided, not drained: with {@code n} endpoints, the
 * busiest gets about {@code n^-choiceCount} of the picks (1/9 with 3 endpoints and the default 2).
 * A pick is O(choiceCount).
 *
 * <p><b>Unequal weights</b>: Envoy picks from an EDF schedule in which each endpoint's weight is
 * {@code load_balancing_weight / (active_requests + 1)^active_request_bias}, computed when it goes
 * back into the schedule; {@code choice_count} does not apply. A shared schedule would need a lock,
 * so this balancer instead draws each pick independently with probability proportional to that
 * effective weight, the active counts read at the time of the pick: the same long-run shares, in
 * random rather than schedule order. It does so exactly by rejection: draw an endpoint in proportion
 * to its configured weight (binary search on precomputed running sums, O(log endpoints)) and accept
 * it with probability {@code (active + 1)^-bias}; after {@value #MAX_REJECTIONS} rejections (every
 * endpoint busy), fall back to one O(endpoints) pass that computes every effective weight and draws
 * from them. With most endpoints idle or nearly so a pick costs one or two draws; only a cluster
 * whose endpoints all carry many requests at once pays the full pass. A bias of 0 is plain weighted
 * random (as Envoy's is plain weighted round robin); a bias of 1 needs no {@link Math#pow}.
 * Comparing effective weights of N weighted draws, as in the equal-weight mode, was not used: when
 * idle it would favour heavy endpoints beyond their weight (the heavier of two draws always wins).
 *
 * <p>Other deviations from Envoy: no slow start, no {@code selection_method: FULL_SCAN}; weights
 * are read once, when the balancer is built.
 */
final class LeastRequestLoadBalancer implements LoadBalancer {

    /** Envoy's default {@code choice_count}. */
    static final int DEFAULT_CHOICE_COUNT = 2;
    /** Envoy's default {@code active_request_bias}. */
    static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;
    /** Rejected draws in the weighted mode before the full pass. */
    static final int MAX_REJECTIONS = 8;

    private final EndpointState[] endpoints;
    private final int choiceCount;
    private final double bias;
    /** Running sums of the weights for the weighted mode; null when all weights are equal. */
    private final long[] cumulative;
    private final long[] weights;

    /**
     * @param endpoints the endpoints that may serve
     * @param choiceCount endpoints drawn per pick when weights are equal, at least 1 (Envoy: 2)
     * @param activeRequestBias exponent of {@code active_requests + 1} dividing the weight when they are not, at least 0 (Envoy: 1.0)
     */
    LeastRequestLoadBalancer(List<EndpointState> endpoints, int choiceCount, double activeRequestBias) {
        if (choiceCount < 1) {
            throw new IllegalArgumentException("choice count must be at least 1: " + choiceCount);
        }
        if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
            throw new IllegalArgumentException("active request bias must be finite and at least 0: " + activeRequestBias);
        }
        this.endpoints = endpoints.toArray(new EndpointState[0]);
        this.choiceCount = choiceCount;
        this.bias = activeRequestBias;
        if (RandomLoadBalancer.allWeightsEqual(this.endpoints)) {
            this.cumulative = null;
            this.weights = null;
        } else {
            this.cumulative = RandomLoadBalancer.cumulativeWeights(this.endpoints);
            this.weights = new long[this.endpoints.length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = RandomLoadBalancer.weight(this.endpoints[i]);
            }
        }
    }

    /** With Envoy's defaults. */
    LeastRequestLoadBalancer(List<EndpointState> endpoints) {
        this(endpoints, DEFAULT_CHOICE_COUNT, DEFAULT_ACTIVE_REQUEST_BIAS);
    }

    @Override
    public EndpointState choose(LbContext context) {
        if (endpoints.length == 0) {
            return null;
        }
        return cumulative == null ? fewestOfChoices() : weightedByLoad();
    }

    private EndpointState fewestOfChoices() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = endpoints.length;
        EndpointState best = endpoints[random.nextInt(n)];
        int bestActive = best.activeRequests();
        for (int i = 1; i < choiceCount; i++) {
            EndpointState e = endpoints[random.nextInt(n)];
            int active = e.activeRequests();
            if (active < bestActive) {
                best = e;
                bestActive = active;
            }
        }
        return best;
    }

    private EndpointState weightedByLoad() {
        if (bias == 0) {
            return endpoints[RandomLoadBalancer.weightedIndex(cumulative)];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
            EndpointState e = endpoints[RandomLoadBalancer.weightedIndex(cumulative)];
            int active = e.activeRequests();
            if (active <= 0 || random.nextDouble() < loadFactor(active)) {
                return e;
            }
        }
        return fullPass(random);
    }

    /** One draw over all effective weights; active counts may move meanwhile, which only blurs the snapshot. */
    private EndpointState fullPass(ThreadLocalRandom random) {
        double total = 0;
        for (int i = 0; i < endpoints.length; i++) {
            total += weights[i] * loadFactor(endpoints[i].activeRequests());
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < endpoints.length; i++) {
            r -= weights[i] * loadFactor(endpoints[i].activeRequests());
            if (r < 0) {
                return endpoints[i];
            }
        }
        return endpoints[endpoints.length - 1];
    }

    /** {@code (active + 1)^-bias}: the share of its weight an endpoint with {@code active} requests keeps. */
    private double loadFactor(int active) {
        double load = Math.max(0, active) + 1.0;
        return bias == 1.0 ? 1 / load : Math.pow(load, -bias);
    }
}
