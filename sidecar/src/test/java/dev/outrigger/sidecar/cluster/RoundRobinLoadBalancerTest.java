package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Round robin, plain and weighted. */
class RoundRobinLoadBalancerTest {

    private static List<EndpointState> endpoints(int... weights) {
        List<EndpointConfig> eps = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            eps.add(new EndpointConfig("10.0.0." + (i + 1), 80, weights[i]));
        }
        return LoadBalancers.endpointStates(eps, List.of());
    }

    /** Position of the endpoint in {@link #endpoints}: 10.0.0.1 is 0. */
    private static int index(EndpointState e) {
        String a = e.config().address();
        return Integer.parseInt(a.substring(a.lastIndexOf('.') + 1)) - 1;
    }

    private static String picks(LoadBalancer lb, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + index(lb.choose())));
        }
        return sb.toString();
    }

    @Test
    void equalWeightsRotate() {
        LoadBalancer lb = LoadBalancers.create(LbPolicy.ROUND_ROBIN, endpoints(1, 1, 1));
        assertEquals("abcabcabc", picks(lb, 9));
        LoadBalancer same = LoadBalancers.create(LbPolicy.ROUND_ROBIN, endpoints(7, 7));
        assertEquals("abab", picks(same, 4), "common factors do not matter");
    }

    @Test
    void weightsAreHonouredAndSpreadOut() {
        LoadBalancer lb = LoadBalancers.create(LbPolicy.ROUND_ROBIN, endpoints(5, 1, 1));
        assertEquals("aabacaa", picks(lb, 7), "smooth order, not aaaaabc");
        Map<Character, Integer> counts = new TreeMap<>();
        picks(lb, 700).chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
        assertEquals(Map.of('a', 500, 'b', 100, 'c', 100), counts);
    }

    @Test
    void hugeWeightSumsAreScaledKeepingProportions() {
        EndpointState[] schedule = RoundRobinLoadBalancer.schedule(endpoints(1_000_000, 3_000_000, 1));
        assertTrue(schedule.length <= RoundRobinLoadBalancer.MAX_SCHEDULE + 3, "length " + schedule.length);
        long b = java.util.Arrays.stream(schedule).filter(e -> index(e) == 1).count();
        long a = java.util.Arrays.stream(schedule).filter(e -> index(e) == 0).count();
        long c = java.util.Arrays.stream(schedule).filter(e -> index(e) == 2).count();
        assertEquals(3.0, (double) b / a, 0.01);
        assertEquals(1, c, "a tiny weight still gets a turn");
    }

    @Test
    void noEndpointsMeansNoPick() {
        assertNull(LoadBalancers.create(LbPolicy.ROUND_ROBIN, endpoints()).choose());
    }
}
