package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.outrigger.sidecar.cluster.EndpointConfig.HealthStatus;
import dev.outrigger.sidecar.cluster.EndpointConfig.Locality;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {

    private static EndpointConfig ep(int port, HealthStatus health, int priority) {
        return new EndpointConfig("10.0.0.1", port, 1, health, priority, Locality.NONE);
    }

    private static Set<Integer> picked(List<EndpointConfig> configs) {
        LoadBalancer lb = LoadBalancers.create(LbPolicy.ROUND_ROBIN, LoadBalancers.endpointStates(configs, List.of()));
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            EndpointState e = lb.choose();
            if (e != null) {
                ports.add(e.config().port());
            }
        }
        return ports;
    }

    @Test
    void unhealthyDrainingAndTimedOutEndpointsGetNoRequests() {
        assertEquals(Set.of(1, 2, 7, 8), picked(List.of(ep(1, HealthStatus.HEALTHY, 0), ep(2, HealthStatus.UNKNOWN, 0),
                ep(7, HealthStatus.HEALTHY, 0), ep(8, HealthStatus.HEALTHY, 0), ep(3, HealthStatus.UNHEALTHY, 0),
                ep(4, HealthStatus.DRAINING, 0), ep(5, HealthStatus.TIMEOUT, 0))));
    }

    @Test
    void underThePanicThresholdEveryEndpointOfTheLevelServes() {
        // 2 healthy of 5: 40 % < 50 %, and nowhere else to go: Envoy's panic mode.
        assertEquals(Set.of(1, 2, 3, 4, 5), picked(List.of(ep(1, HealthStatus.HEALTHY, 0), ep(2, HealthStatus.HEALTHY, 0),
                ep(3, HealthStatus.UNHEALTHY, 0), ep(4, HealthStatus.UNHEALTHY, 0), ep(5, HealthStatus.TIMEOUT, 0))));
    }

    @Test
    void theHighestPriorityWithAHealthyEndpointServes() {
        assertEquals(Set.of(3), picked(List.of(ep(1, HealthStatus.UNHEALTHY, 0), ep(3, HealthStatus.HEALTHY, 1),
                ep(4, HealthStatus.HEALTHY, 2))));
        assertEquals(Set.of(1), picked(List.of(ep(3, HealthStatus.HEALTHY, 1), ep(1, HealthStatus.HEALTHY, 0))));
    }

    @Test
    void degradedEndpointsServeOnlyWhenNoneIsHealthy() {
        assertEquals(Set.of(2), picked(List.of(ep(1, HealthStatus.UNHEALTHY, 0), ep(2, HealthStatus.DEGRADED, 0))));
    }

    @Test
    void withNothingAvailableEveryEndpointIsTriedAndWithoutEndpointsNone() {
        assertEquals(Set.of(1), picked(List.of(ep(1, HealthStatus.UNHEALTHY, 0))), "total panic, as in Envoy");
        assertNull(LoadBalancers.create(LbPolicy.ROUND_ROBIN, List.of()).choose());
    }

    @Test
    void anEndpointThatStaysKeepsItsStateAndTakesItsNewWeight() {
        List<EndpointState> first = LoadBalancers.endpointStates(
                List.of(new EndpointConfig("10.0.0.1", 80, 1), new EndpointConfig("10.0.0.2", 80, 1)), List.of());
        first.get(0).requestStarted();
        List<EndpointState> second = LoadBalancers.endpointStates(
                List.of(new EndpointConfig("10.0.0.3", 80, 1), new EndpointConfig("10.0.0.1", 80, 5)), first);
        assertEquals(2, second.size());
        assertSame(first.get(0), second.get(1), "10.0.0.1:80 keeps its state");
        assertEquals(1, second.get(1).activeRequests(), "and its counters");
        assertEquals(5, second.get(1).config().weight(), "with the new weight");
    }

    @Test
    void everyPolicyGetsItsBalancerOverTheServingEndpointsOnly() {
        List<EndpointConfig> configs = List.of(ep(1, HealthStatus.HEALTHY, 0), ep(2, HealthStatus.UNHEALTHY, 0),
                ep(3, HealthStatus.HEALTHY, 0), ep(4, HealthStatus.HEALTHY, 0));
        Map<LbPolicy, Class<?>> expected = Map.of(LbPolicy.ROUND_ROBIN, RoundRobinLoadBalancer.class,
                LbPolicy.RANDOM, RandomLoadBalancer.class, LbPolicy.LeastRequest.DEFAULTS, LeastRequestLoadBalancer.class,
                LbPolicy.RingHash.DEFAULTS, RingHashLoadBalancer.class, LbPolicy.Maglev.DEFAULTS, MaglevLoadBalancer.class,
                LbPolicy.PeakEwma.DEFAULTS, PeakEwmaLoadBalancer.class);
        expected.forEach((policy, type) -> {
            LoadBalancer lb = LoadBalancers.create(policy, LoadBalancers.endpointStates(configs, List.of()));
            assertEquals(type, lb.getClass(), policy.name());
            for (int i = 0; i < 50; i++) {
                assertTrue(lb.choose().config().port() != 2, policy.name() + ": never the unhealthy endpoint");
            }
        });
    }

    @Test
    void endpointsFailingHealthChecksOrEjectedAreLeftOut() {
        List<EndpointState> states = LoadBalancers.endpointStates(List.of(ep(1, HealthStatus.HEALTHY, 0),
                ep(2, HealthStatus.HEALTHY, 0), ep(3, HealthStatus.HEALTHY, 1)), List.of());
        assertTrue(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, true));
        assertFalse(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, true), "already set");
        assertEquals(Set.of(2, 3), picks(LoadBalancers.create(LbPolicy.ROUND_ROBIN, states)),
                "priority 0 is 70 % healthy: 30 % spills over to priority 1");
        states.get(1).setFlag(EndpointState.OUTLIER_EJECTED, true);
        assertEquals(Set.of(3), picks(LoadBalancers.create(LbPolicy.ROUND_ROBIN, states)), "priority 0 has none left");
        assertTrue(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, false));
        assertTrue(states.get(0).isAvailable());
        assertFalse(states.get(1).isAvailable());
        assertEquals(Set.of(1, 3), picks(LoadBalancers.create(LbPolicy.ROUND_ROBIN, states)));
    }

    private static Set<Integer> picks(LoadBalancer lb) {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            ports.add(lb.choose().config().port());
        }
        return ports;
    }
}
