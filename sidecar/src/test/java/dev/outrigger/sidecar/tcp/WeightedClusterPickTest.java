package dev.outrigger.sidecar.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.route.ClusterWeight;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** A TCP proxy's cluster is picked by weight, as Envoy's weighted_clusters do. */
class WeightedClusterPickTest {

    /** Returns {@code value} for every bounded draw, after checking the bound. */
    private static RandomGenerator fixed(long value, long expectedBound) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                assertEquals(expectedBound, bound, "the draw is over the total weight");
                return value;
            }
        };
    }

    @Test
    void aSingleClusterIsAlwaysPicked() {
        assertEquals("only", TcpProxyHandler.pickCluster(List.of(new ClusterWeight("only", 1)), fixed(0, 1)));
    }

    @Test
    void clustersOwnConsecutiveRangesOfTheTotalWeightInOrder() {
        List<ClusterWeight> clusters = List.of(new ClusterWeight("a", 1), new ClusterWeight("none", 0),
                new ClusterWeight("b", 3));
        assertEquals("a", TcpProxyHandler.pickCluster(clusters, fixed(0, 4)));
        assertEquals("b", TcpProxyHandler.pickCluster(clusters, fixed(1, 4)));
        assertEquals("b", TcpProxyHandler.pickCluster(clusters, fixed(3, 4)));
    }

    @Test
    void allWeightsZeroPicksNothing() {
        assertNull(TcpProxyHandler.pickCluster(List.of(new ClusterWeight("a", 0), new ClusterWeight("b", 0)),
                fixed(0, 0)));
    }
}
