package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slow start: a new or returning endpoint's share grows over the window, then it leaves slow start. */
class SlowStartLoadBalancerTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    /** Two endpoints, the second of which has just joined (at {@link #now}). */
    private List<EndpointState> endpoints() {
        List<EndpointState> first = LoadBalancers.endpointStates(List.of(new EndpointConfig("10.0.0.1", 80, 1)),
                List.of());
        List<EndpointState> both = LoadBalancers.endpointStates(List.of(new EndpointConfig("10.0.0.1", 80, 1),
                new EndpointConfig("10.0.0.2", 80, 1)), first);
        both.get(1).markWarming(now.get());
        return both;
    }

    private static double shareOfSecond(LoadBalancer lb, List<EndpointState> endpoints) {
        int second = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            if (lb.choose() == endpoints.get(1)) {
                second++;
            }
        }
        return second / (double) n;
    }

    @Test
    void aNewEndpointsShareGrowsOverTheWindowThenItIsAnEndpointLikeTheOthers() {
        List<EndpointState> endpoints = endpoints();
        assertEquals(0, endpoints.get(0).warmingSince(), "endpoints of the first assignment do not warm up");
        assertTrue(endpoints.get(1).warmingSince() != 0, "one that joins a serving cluster does");
        LbPolicy.SlowStart slowStart = new LbPolicy.SlowStart(Duration.ofSeconds(10), 1.0, 10.0);
        SlowStartLoadBalancer lb = new SlowStartLoadBalancer(new RoundRobinLoadBalancer(endpoints), slowStart, now::get);
        double start = shareOfSecond(lb, endpoints);
        now.addAndGet(5 * SECOND);
        double middle = shareOfSecond(lb, endpoints);
        now.addAndGet(4 * SECOND);
        double late = shareOfSecond(lb, endpoints);
        assertTrue(start < 0.15, "10 % of its weight at first: " + start);
        assertTrue(middle > start + 0.1 && late > middle, "it grows: " + start + " " + middle + " " + late);
        now.addAndGet(2 * SECOND);
        assertEquals(0.5, shareOfSecond(lb, endpoints), 0.01, "past the window: its full share");
        assertEquals(0, endpoints.get(1).warmingSince(), "and out of slow start");
    }

    @Test
    void aggressionMakesTheRampSteeperAtFirst() {
        List<EndpointState> endpoints = endpoints();
        now.addAndGet(2 * SECOND);
        double linear = new SlowStartLoadBalancer(new RoundRobinLoadBalancer(endpoints),
                new LbPolicy.SlowStart(Duration.ofSeconds(10), 1.0, 0), now::get).factor(endpoints.get(1), 2 * SECOND);
        double aggressive = new SlowStartLoadBalancer(new RoundRobinLoadBalancer(endpoints),
                new LbPolicy.SlowStart(Duration.ofSeconds(10), 2.0, 0), now::get).factor(endpoints.get(1), 2 * SECOND);
        assertEquals(0.2, linear, 1e-9);
        assertEquals(Math.sqrt(0.2), aggressive, 1e-9, "(t / window)^(1 / aggression)");
    }

    @Test
    void anEndpointBackFromAnEjectionWarmsUpAgainAndTheFactoryAddsSlowStart() {
        List<EndpointState> endpoints = endpoints();
        endpoints.get(0).setFlag(EndpointState.OUTLIER_EJECTED, true);
        assertEquals(0, endpoints.get(0).warmingSince());
        endpoints.get(0).setFlag(EndpointState.OUTLIER_EJECTED, false);
        assertTrue(endpoints.get(0).warmingSince() != 0, "back in service: slow start again");
        assertInstanceOf(SlowStartLoadBalancer.class, LoadBalancers.create(new LbPolicy.RoundRobin(
                new LbPolicy.SlowStart(Duration.ofSeconds(30), 1.0, 10.0)), endpoints));
        assertInstanceOf(RoundRobinLoadBalancer.class, LoadBalancers.create(LbPolicy.ROUND_ROBIN, endpoints));
    }
}
