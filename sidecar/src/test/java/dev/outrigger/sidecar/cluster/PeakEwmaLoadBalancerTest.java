package dev.outrigger.sidecar.cluster;

import static dev.outrigger.sidecar.cluster.LbTesting.endpoints;
import static dev.outrigger.sidecar.cluster.LbTesting.shares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Linkerd's peak-EWMA balancer, on a fake clock. */
class PeakEwmaLoadBalancerTest {

    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;

    private final AtomicLong clock = new AtomicLong(42 * S);

    private PeakEwmaLoadBalancer balancer(List<EndpointState> eps) {
        return new PeakEwmaLoadBalancer(eps, Duration.ofSeconds(10), Duration.ofMillis(30), clock::get);
    }

    /** A round trip of {@code rtt} measured on {@code e} at {@code now}. */
    private static void sample(EndpointState e, long rtt, long now) {
        e.latency().observe(rtt, now);
    }

    /**
     * {@code picks} requests, one every 100 µs of fake time, each taking the latency of its
     * endpoint: about 10 in flight when all answer in 1 ms. Returns the shares of the picks.
     */
    private double[] run(LoadBalancer lb, List<EndpointState> eps, int picks, long... latencies) {
        PriorityQueue<long[]> inFlight = new PriorityQueue<>(Comparator.comparingLong((long[] r) -> r[0]));
        double[] shares = shares(lb, eps.size(), picks, i -> {
            long now = clock.addAndGet(100_000);
            eps.get(i).requestStarted();
            inFlight.add(new long[] {now + latencies[i], i, now});
            while (inFlight.peek()[0] <= now) {
                long[] done = inFlight.poll();
                eps.get((int) done[1]).requestFinished(false, false, done[0] - done[2], done[0]);
            }
        });
        for (long[] done : inFlight) {
            eps.get((int) done[1]).requestFinished(false, false, done[0] - done[2], done[0]);
        }
        return shares;
    }

    @Test
    void aSlowEndpointIsShunnedAndRecoversAfterDecay() {
        List<EndpointState> eps = endpoints(1, 1, 1);
        LoadBalancer lb = balancer(eps);
        for (int i = 0; i < 3; i++) {
            sample(eps.get(i), i == 0 ? 50 * MS : MS, clock.get());
        }
        double[] slow = run(lb, eps, 50_000, 50 * MS, MS, MS);
        assertTrue(slow[0] < 0.05, "slow endpoint got " + slow[0]);
        // It is fast again: untried, its estimate decays (50 ms to 2.5 ms in 30 s); once tried,
        // its fast samples pull it down to theirs with the same 10 s time constant.
        clock.addAndGet(30 * S);
        double[] returning = run(lb, eps, 50_000, MS, MS, MS);
        assertTrue(returning[0] > 0.1, "traffic returns: " + returning[0]);
        run(lb, eps, 200_000, MS, MS, MS);
        double[] recovered = run(lb, eps, 30_000, MS, MS, MS);
        assertEquals(1 / 3.0, recovered[0], 0.05, "back to an even share");
        for (EndpointState e : eps) {
            assertEquals(0, e.activeRequests());
        }
    }

    @Test
    void aPeakRaisesTheCostAtOnce() {
        List<EndpointState> eps = endpoints(1, 1);
        PeakEwmaLoadBalancer lb = balancer(eps);
        long now = clock.get();
        sample(eps.get(0), MS, now);
        sample(eps.get(1), 2 * MS, now);
        assertEquals(MS, lb.cost(eps.get(0), now), MS * 1e-3);
        assertSame(eps.get(0), lb.choose());
        sample(eps.get(0), 100 * MS, now);
        assertEquals(100 * MS, lb.cost(eps.get(0), now), 100 * MS * 1e-3);
        for (int i = 0; i < 100; i++) {
            assertSame(eps.get(1), lb.choose());
        }
    }

    @Test
    void costGrowsWithActiveRequests() {
        List<EndpointState> eps = endpoints(1, 1);
        PeakEwmaLoadBalancer lb = balancer(eps);
        long now = clock.get();
        sample(eps.get(0), 10 * MS, now);
        sample(eps.get(1), 10 * MS, now);
        for (int i = 0; i < 3; i++) {
            eps.get(0).requestStarted();
        }
        assertEquals(40 * MS, lb.cost(eps.get(0), now), 40 * MS * 1e-3);
        assertEquals(10 * MS, lb.cost(eps.get(1), now), 10 * MS * 1e-3);
        assertSame(eps.get(1), lb.choose());
        eps.get(1).requestStarted();
        eps.get(1).requestStarted();
        eps.get(1).requestStarted();
        eps.get(1).requestStarted(); // 5 × 10 ms > 4 × 10 ms
        assertSame(eps.get(0), lb.choose());
    }

    @Test
    void anUnmeasuredEndpointStartsAtTheDefaultAndDecays() {
        List<EndpointState> eps = endpoints(1, 1);
        PeakEwmaLoadBalancer lb = balancer(eps);
        long now = clock.get();
        sample(eps.get(0), 5 * MS, now);
        assertEquals(30 * MS, lb.cost(eps.get(1), now), 30 * MS * 1e-3);
        assertSame(eps.get(0), lb.choose());
        clock.addAndGet(10 * S);
        assertEquals(30 * MS * Math.exp(-1), lb.cost(eps.get(1), clock.get()), 30 * MS * 1e-3);
        PeakEwmaLoadBalancer eager = new PeakEwmaLoadBalancer(endpoints(1, 1), Duration.ofSeconds(10), Duration.ZERO,
                clock::get);
        assertEquals(1, eager.cost(endpoints(1).get(0), clock.get()), 1e-9, "floored at 1 ns");
    }

    @Test
    void estimatesDecayedToNothingStillRankByActiveRequests() {
        List<EndpointState> eps = endpoints(1, 1);
        PeakEwmaLoadBalancer lb = balancer(eps);
        sample(eps.get(0), MS, clock.get());
        sample(eps.get(1), MS, clock.get());
        clock.addAndGet(3_600 * S);
        eps.get(0).requestStarted();
        assertSame(eps.get(1), lb.choose());
    }

    @Test
    void weightsAreIgnoredAndIdleEndpointsShareEvenly() {
        List<EndpointState> eps = endpoints(1, 9, 1);
        double[] s = run(balancer(eps), eps, 30_000, MS, MS, MS);
        for (double share : s) {
            assertEquals(1 / 3.0, share, 0.05);
        }
    }

    @Test
    void oneEndpointAlwaysAndNoneNever() {
        List<EndpointState> one = endpoints(1);
        sample(one.get(0), 9 * S, clock.get());
        assertSame(one.get(0), balancer(one).choose());
        assertNull(balancer(endpoints()).choose());
        assertNull(new PeakEwmaLoadBalancer(endpoints(), Duration.ofSeconds(10), Duration.ofMillis(30)).choose());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> new PeakEwmaLoadBalancer(endpoints(1), Duration.ZERO, Duration.ofMillis(30)));
        assertThrows(IllegalArgumentException.class,
                () -> new PeakEwmaLoadBalancer(endpoints(1), Duration.ofSeconds(1), Duration.ofMillis(-1)));
    }
}
