package dev.outrigger.sidecar.cluster;

import static dev.outrigger.sidecar.cluster.LbTesting.endpoints;
import static dev.outrigger.sidecar.cluster.LbTesting.shares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Envoy's LEAST_REQUEST: power of N choices with equal weights, load-scaled weights otherwise. */
class LeastRequestLoadBalancerTest {

    private static void load(EndpointState e, int requests) {
        for (int i = 0; i < requests; i++) {
            e.requestStarted();
        }
    }

    @Test
    void idleEndpointsShareEvenly() {
        double[] s = shares(new LeastRequestLoadBalancer(endpoints(1, 1, 1)), 3, 100_000);
        for (double share : s) {
            assertEquals(1 / 3.0, share, 0.02);
        }
    }

    @Test
    void busyEndpointIsPickedOnlyWhenEveryDrawHitsIt() {
        List<EndpointState> eps = endpoints(1, 1, 1);
        load(eps.get(0), 100);
        // Draws may repeat, as Envoy's: the busy one wins only if all choiceCount draws are it.
        double[] two = shares(new LeastRequestLoadBalancer(eps, 2, 1.0), 3, 100_000);
        assertEquals(1 / 9.0, two[0], 0.01);
        assertEquals(4 / 9.0, two[1], 0.015);
        assertEquals(4 / 9.0, two[2], 0.015);
        double[] five = shares(new LeastRequestLoadBalancer(eps, 5, 1.0), 3, 100_000);
        assertTrue(five[0] < 0.01, "1/243 expected, got " + five[0]);
        double[] one = shares(new LeastRequestLoadBalancer(eps, 1, 1.0), 3, 100_000);
        assertEquals(1 / 3.0, one[0], 0.02, "one choice is plain random");
    }

    @Test
    void fewerActiveRequestsWinAmongTheDrawn() {
        List<EndpointState> eps = endpoints(4, 4);
        load(eps.get(0), 2);
        load(eps.get(1), 1);
        double[] s = shares(new LeastRequestLoadBalancer(eps, 2, 1.0), 2, 100_000);
        assertEquals(0.25, s[0], 0.015, "only when both draws are the busier one");
    }

    @Test
    void weightedIdleFollowsWeights() {
        double[] s = shares(new LeastRequestLoadBalancer(endpoints(1, 2, 7)), 3, 100_000);
        assertEquals(0.1, s[0], 0.03);
        assertEquals(0.2, s[1], 0.03);
        assertEquals(0.7, s[2], 0.03);
    }

    @Test
    void weightedShiftsAwayFromALoadedHeavyEndpoint() {
        List<EndpointState> eps = endpoints(1, 2, 7);
        load(eps.get(2), 9);
        // Effective weights 1, 2, 7/10.
        double[] s = shares(new LeastRequestLoadBalancer(eps), 3, 100_000);
        assertEquals(1 / 3.7, s[0], 0.03);
        assertEquals(2 / 3.7, s[1], 0.03);
        assertEquals(0.7 / 3.7, s[2], 0.03);
        load(eps.get(2), 90);
        double[] heavier = shares(new LeastRequestLoadBalancer(eps), 3, 100_000);
        assertEquals(0.07 / 3.07, heavier[2], 0.01, "drops, never to zero");
    }

    @Test
    void biasSharpensOrCancelsTheShift() {
        List<EndpointState> eps = endpoints(1, 2, 7);
        load(eps.get(2), 9);
        double[] none = shares(new LeastRequestLoadBalancer(eps, 2, 0.0), 3, 100_000);
        assertEquals(0.1, none[0], 0.03, "bias 0: the weights alone");
        assertEquals(0.2, none[1], 0.03);
        assertEquals(0.7, none[2], 0.03);
        // Bias 2: effective weights 1, 2, 7/100.
        double[] squared = shares(new LeastRequestLoadBalancer(eps, 2, 2.0), 3, 100_000);
        assertEquals(1 / 3.07, squared[0], 0.03);
        assertEquals(2 / 3.07, squared[1], 0.03);
        assertEquals(0.07 / 3.07, squared[2], 0.01);
    }

    @Test
    void allBusyFallsBackToTheFullPassWithTheSameShares() {
        List<EndpointState> eps = endpoints(1, 2, 7);
        for (EndpointState e : eps) {
            load(e, 1000);
        }
        // Almost every draw is rejected: the full pass decides, still in proportion to weight / (active + 1).
        double[] s = shares(new LeastRequestLoadBalancer(eps), 3, 100_000);
        assertEquals(0.1, s[0], 0.03);
        assertEquals(0.2, s[1], 0.03);
        assertEquals(0.7, s[2], 0.03);
        load(eps.get(0), 1001); // 2001 active: effective weight halved
        double[] halved = shares(new LeastRequestLoadBalancer(eps), 3, 100_000);
        assertEquals(0.5 / 9.5, halved[0], 0.02);
    }

    @Test
    void concurrentPicksWhileRequestsComeAndGo() throws InterruptedException {
        for (List<EndpointState> eps : List.of(endpoints(1, 1, 1, 1), endpoints(1, 2, 3, 4))) {
            LoadBalancer lb = new LeastRequestLoadBalancer(eps, 2, 1.0);
            AtomicLongArray counts = new AtomicLongArray(eps.size());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                threads.add(new Thread(() -> {
                    try {
                        EndpointState previous = null;
                        for (int i = 0; i < 500_000; i++) {
                            EndpointState e = lb.choose();
                            e.requestStarted();
                            counts.incrementAndGet(LbTesting.index(e));
                            if (previous != null) {
                                previous.requestFinished(false, false);
                            }
                            previous = e;
                        }
                        previous.requestFinished(false, false);
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertNull(failure.get());
            long total = 0;
            for (int i = 0; i < eps.size(); i++) {
                assertTrue(counts.get(i) > 0, "endpoint " + i + " never picked");
                total += counts.get(i);
                assertEquals(0, eps.get(i).activeRequests());
            }
            assertEquals(1_000_000, total);
        }
    }

    @Test
    void oneEndpointAlwaysAndNoneNever() {
        List<EndpointState> one = endpoints(3);
        load(one.get(0), 5);
        assertSame(one.get(0), new LeastRequestLoadBalancer(one).choose());
        assertNull(new LeastRequestLoadBalancer(endpoints()).choose());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new LeastRequestLoadBalancer(endpoints(1), 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LeastRequestLoadBalancer(endpoints(1), 2, -0.5));
        assertThrows(IllegalArgumentException.class, () -> new LeastRequestLoadBalancer(endpoints(1), 2, Double.NaN));
    }
}
