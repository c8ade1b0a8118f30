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
        assertEquals(Set.of(1, 2), picked(List.of(ep(1, HealthStatus.HEALTHY, 0), ep(2, HealthStatus.UNKNOWN, 0),
                ep(3, HealthStatus.UNHEALTHY, 0), ep(4, HealthStatus.DRAINING, 0), ep(5, HealthStatus.TIMEOUT, 0),
                ep(6, HealthStatus.DEGRADED, 0))));
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
    void noServingEndpointMeansNoChoice() {
        LoadBalancer lb = LoadBalancers.create(LbPolicy.ROUND_ROBIN,
                LoadBalancers.endpointStates(List.of(ep(1, HealthStatus.UNHEALTHY, 0)), List.of()));
        assertNull(lb.choose());
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
                ep(3, HealthStatus.HEALTHY, 1));
        Map<LbPolicy, Class<?>> expected = Map.of(LbPolicy.ROUND_ROBIN, RoundRobinLoadBalancer.class,
                LbPolicy.RANDOM, RandomLoadBalancer.class, LbPolicy.LeastRequest.DEFAULTS, LeastRequestLoadBalancer.class,
                LbPolicy.RingHash.DEFAULTS, RingHashLoadBalancer.class, LbPolicy.Maglev.DEFAULTS, MaglevLoadBalancer.class,
                LbPolicy.PeakEwma.DEFAULTS, PeakEwmaLoadBalancer.class);
        expected.forEach((policy, type) -> {
            LoadBalancer lb = LoadBalancers.create(policy, LoadBalancers.endpointStates(configs, List.of()));
            assertEquals(type, lb.getClass(), policy.name());
            for (int i = 0; i < 50; i++) {
                assertEquals(1, lb.choose().config().port(), policy.name() + ": only the healthy endpoint of priority 0");
            }
        });
    }

    @Test
    void endpointsFailingHealthChecksOrEjectedAreLeftOut() {
        List<EndpointState> states = LoadBalancers.endpointStates(List.of(ep(1, HealthStatus.HEALTHY, 0),
                ep(2, HealthStatus.HEALTHY, 0), ep(3, HealthStatus.HEALTHY, 1)), List.of());
        assertTrue(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, true));
        assertFalse(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, true), "already set");
        LoadBalancer lb = LoadBalancers.create(LbPolicy.ROUND_ROBIN, states);
        for (int i = 0; i < 10; i++) {
            assertEquals(2, lb.choose().config().port());
        }
        states.get(1).setFlag(EndpointState.OUTLIER_EJECTED, true);
        assertEquals(3, LoadBalancers.create(LbPolicy.ROUND_ROBIN, states).choose().config().port(),
                "priority 0 has none left: priority 1 serves");
        assertTrue(states.get(0).setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, false));
        assertTrue(states.get(0).isAvailable());
        assertFalse(states.get(1).isAvailable());
        assertEquals(1, LoadBalancers.create(LbPolicy.ROUND_ROBIN, states).choose().config().port());
    }
}
