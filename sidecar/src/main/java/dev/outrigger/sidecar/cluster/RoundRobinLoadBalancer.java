package dev.outrigger.sidecar.cluster;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Envoy's {@code ROUND_ROBIN}: each pick takes the next endpoint in turn, across all event loops. */
final class RoundRobinLoadBalancer implements LoadBalancer {

    private final EndpointState[] endpoints;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinLoadBalancer(List<EndpointState> endpoints) {
        this.endpoints = endpoints.toArray(new EndpointState[0]);
    }

    @Override
    public EndpointState choose() {
        if (endpoints.length == 0) {
            return null;
        }
        // floorMod keeps the index valid after the counter wraps around.
        return endpoints[Math.floorMod(next.getAndIncrement(), endpoints.length)];
    }
}
