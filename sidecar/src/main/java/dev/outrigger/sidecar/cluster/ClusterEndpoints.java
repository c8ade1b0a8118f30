package dev.outrigger.sidecar.cluster;

import java.util.List;
import java.util.Objects;

/**
 * The endpoints EDS delivered for one service name (Envoy's {@code ClusterLoadAssignment}).
 *
 * @param serviceName the name the EDS clusters request it by
 * @param endpoints its endpoints, in order
 */
public record ClusterEndpoints(String serviceName, List<EndpointConfig> endpoints) {

    public ClusterEndpoints {
        Objects.requireNonNull(serviceName, "serviceName");
        endpoints = List.copyOf(endpoints);
    }
}
