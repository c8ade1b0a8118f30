package dev.outrigger.sidecar.cluster;

import static dev.outrigger.sidecar.cluster.LbTesting.endpoints;
import static dev.outrigger.sidecar.cluster.LbTesting.shares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's RANDOM, uniform and weighted. */
class RandomLoadBalancerTest {

    @Test
    void equalWeightsAreUniform() {
        double[] s = shares(new RandomLoadBalancer(endpoints(3, 3, 3, 3)), 4, 100_000);
        for (double share : s) {
            assertEquals(0.25, share, 0.02);
        }
    }

    @Test
    void weightsAreHonoured() {
        double[] s = shares(new RandomLoadBalancer(endpoints(1, 2, 7)), 3, 100_000);
        assertEquals(0.1, s[0], 0.02);
        assertEquals(0.2, s[1], 0.02);
        assertEquals(0.7, s[2], 0.02);
    }

    @Test
    void weightBelowOneCountsAsOne() {
        double[] s = shares(new RandomLoadBalancer(endpoints(0, 1, 2)), 3, 100_000);
        assertEquals(0.25, s[0], 0.02);
        assertEquals(0.25, s[1], 0.02);
        assertEquals(0.5, s[2], 0.02);
    }

    @Test
    void weightedIndexCoversEachSlotOfTheRunningSums() {
        long[] cumulative = RandomLoadBalancer.cumulativeWeights(endpoints(1, 1, 3).toArray(new EndpointState[0]));
        assertEquals(List.of(1L, 2L, 5L), List.of(cumulative[0], cumulative[1], cumulative[2]));
        int[] counts = new int[3];
        for (int i = 0; i < 50_000; i++) {
            counts[RandomLoadBalancer.weightedIndex(cumulative)]++;
        }
        assertEquals(0.2, counts[0] / 50_000.0, 0.02);
        assertEquals(0.2, counts[1] / 50_000.0, 0.02);
        assertEquals(0.6, counts[2] / 50_000.0, 0.02);
    }

    @Test
    void oneEndpointAlwaysAndNoneNever() {
        List<EndpointState> one = endpoints(5);
        assertSame(one.get(0), new RandomLoadBalancer(one).choose());
        assertNull(new RandomLoadBalancer(endpoints()).choose());
        assertNull(new RandomLoadBalancer(endpoints()).choose(LbContext.NONE));
    }
}
