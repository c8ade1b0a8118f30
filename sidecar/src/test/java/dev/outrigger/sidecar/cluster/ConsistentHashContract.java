package dev.outrigger.sidecar.cluster;

import static dev.outrigger.sidecar.cluster.HashLbTestSupport.counts;
import static dev.outrigger.sidecar.cluster.HashLbTestSupport.endpoints;
import static dev.outrigger.sidecar.cluster.HashLbTestSupport.hashes;
import static dev.outrigger.sidecar.cluster.HashLbTestSupport.picks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What both consistent-hash balancers promise, checked on each: stable picks, shares that follow
 * weights, and few keys moving when an endpoint leaves or joins. Bounds are per balancer.
 */
abstract class ConsistentHashContract {

    static final int KEYS = 100_000;

    private final double shareTolerance;
    private final double minRetainedOnRemoval;
    private final double maxMovedOnAddition;

    /**
     * @param shareTolerance largest relative deviation of an endpoint's share from its weight's
     * @param minRetainedOnRemoval least share of the keys not on a removed endpoint (of five) that
     *     keep their endpoint
     * @param maxMovedOnAddition most keys that may move when a sixth endpoint joins five (ideal 1/6)
     */
    ConsistentHashContract(double shareTolerance, double minRetainedOnRemoval, double maxMovedOnAddition) {
        this.shareTolerance = shareTolerance;
        this.minRetainedOnRemoval = minRetainedOnRemoval;
        this.maxMovedOnAddition = maxMovedOnAddition;
    }

    /** The balancer under test, with its default sizes. */
    abstract LoadBalancer build(List<EndpointState> endpoints);

    @Test
    void noEndpointsPickNothing() {
        LoadBalancer lb = build(List.of());
        assertNull(lb.choose());
        assertNull(lb.choose(new HashLbTestSupport.Hash().set(42)));
    }

    @Test
    void oneEndpointIsAlwaysPicked() {
        List<EndpointState> one = endpoints(3);
        LoadBalancer lb = build(one);
        for (EndpointState e : picks(lb, hashes(10_000, 1))) {
            assertSame(one.get(0), e);
        }
        assertSame(one.get(0), lb.choose(new HashLbTestSupport.Hash().set(0)));
        assertSame(one.get(0), lb.choose(new HashLbTestSupport.Hash().set(-1)));
        assertSame(one.get(0), lb.choose());
    }

    @Test
    void sameHashSameEndpointWhateverTheListOrder() {
        List<EndpointState> eps = endpoints(1, 2, 1, 3, 1);
        long[] keys = hashes(20_000, 2);
        EndpointState[] first = picks(build(eps), keys);
        assertArrayEquals(first, picks(build(eps), keys), "rebuilt from the same list");
        List<EndpointState> shuffled = new ArrayList<>(eps);
        Collections.shuffle(shuffled, new Random(7));
        Collections.reverse(shuffled.subList(0, 3));
        assertArrayEquals(first, picks(build(shuffled), keys), "rebuilt from the list in another order");
        LoadBalancer lb = build(eps);
        assertArrayEquals(first, picks(lb, keys), "picked again");
    }

    @Test
    void withoutAHashEveryEndpointGetsPicked() {
        List<EndpointState> eps = endpoints(1, 1, 1, 1, 1);
        LoadBalancer lb = build(eps);
        EndpointState[] got = new EndpointState[KEYS];
        for (int i = 0; i < KEYS; i++) {
            got[i] = lb.choose();
        }
        assertShares(eps, new int[] {1, 1, 1, 1, 1}, counts(got), 0.05 + shareTolerance);
    }

    @Test
    void equalWeightsShareEqually() {
        int[] weights = {1, 1, 1, 1, 1};
        List<EndpointState> eps = endpoints(weights);
        assertShares(eps, weights, counts(picks(build(eps), hashes(KEYS, 3))), shareTolerance);
    }

    @Test
    void weightsOneToThree() {
        int[] weights = {1, 3};
        List<EndpointState> eps = endpoints(weights);
        assertShares(eps, weights, counts(picks(build(eps), hashes(KEYS, 4))), shareTolerance);
    }

    @Test
    void removingAnEndpointMovesLittleBesidesItsKeys() {
        List<EndpointState> five = endpoints(1, 1, 1, 1, 1);
        long[] keys = hashes(KEYS, 5);
        for (int removed = 0; removed < five.size(); removed++) {
            List<EndpointState> four = new ArrayList<>(five);
            EndpointState gone = four.remove(removed);
            EndpointState[] before = picks(build(five), keys);
            EndpointState[] after = picks(build(four), keys);
            int survivors = 0;
            int kept = 0;
            for (int i = 0; i < keys.length; i++) {
                assertTrue(after[i] != gone, "a removed endpoint is never picked");
                if (before[i] != gone) {
                    survivors++;
                    kept += before[i] == after[i] ? 1 : 0;
                }
            }
            double retained = (double) kept / survivors;
            assertTrue(retained >= minRetainedOnRemoval,
                    "removing " + gone + ": " + retained + " of the other keys kept their endpoint");
        }
    }

    @Test
    void addingAnEndpointMovesAboutItsShare() {
        List<EndpointState> six = endpoints(1, 1, 1, 1, 1, 1);
        long[] keys = hashes(KEYS, 6);
        EndpointState[] before = picks(build(six.subList(0, 5)), keys);
        EndpointState[] after = picks(build(six), keys);
        int moved = 0;
        int toNew = 0;
        for (int i = 0; i < keys.length; i++) {
            if (before[i] != after[i]) {
                moved++;
                toNew += after[i] == six.get(5) ? 1 : 0;
            }
        }
        double movedShare = (double) moved / keys.length;
        assertTrue(movedShare >= 1.0 / 6 * (1 - shareTolerance), "moved " + movedShare);
        assertTrue(movedShare <= maxMovedOnAddition, "moved " + movedShare);
        assertEquals(1.0 / 6, (double) toNew / keys.length, shareTolerance / 6, "the newcomer's share");
    }

    @Test
    void concurrentPicksFromTwoThreads() throws InterruptedException {
        List<EndpointState> eps = endpoints(1, 2, 3, 4);
        LoadBalancer lb = build(eps);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable picker = () -> {
            try {
                HashLbTestSupport.Hash h = new HashLbTestSupport.Hash();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 500_000; i++) {
                    EndpointState e = (i & 1) == 0 ? lb.choose(h.set(random.nextLong())) : lb.choose();
                    assertNotNull(e);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread a = new Thread(picker, "picker-a");
        Thread b = new Thread(picker, "picker-b");
        a.start();
        b.start();
        a.join();
        b.join();
        assertNull(failure.get());
    }

    /** Each endpoint's share of {@code counts} is its weight's share, within {@code tolerance} relative. */
    static void assertShares(List<EndpointState> eps, int[] weights, Map<EndpointState, Integer> counts,
            double tolerance) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int weightSum = java.util.Arrays.stream(weights).sum();
        for (int i = 0; i < eps.size(); i++) {
            double expected = (double) weights[i] / weightSum;
            double actual = counts.getOrDefault(eps.get(i), 0) / (double) total;
            assertEquals(expected, actual, expected * tolerance, eps.get(i) + " share");
        }
    }
}
