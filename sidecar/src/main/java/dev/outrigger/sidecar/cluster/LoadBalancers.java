package dev.outrigger.sidecar.cluster;

import java.util.List;

/** Creates the load balancer a cluster's {@link LbPolicy} asks for. */
public final class LoadBalancers {

    private LoadBalancers() {
    }

    /** A balancer over {@code endpoints} for {@code policy}. */
    public static LoadBalancer create(LbPolicy policy, List<EndpointState> endpoints) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobinLoadBalancer(endpoints);
        };
    }

    /** Runtime state for each configured endpoint. */
    public static List<EndpointState> endpointStates(ClusterConfig config) {
        List<EndpointConfig> configs = config.endpoints();
        EndpointState[] states = new EndpointState[configs.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new EndpointState(i, configs.get(i));
        }
        return List.of(states);
    }
}
