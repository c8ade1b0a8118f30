package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.EndpointConfig.HealthStatus;
import dev.outrigger.sidecar.cluster.EndpointConfig.Locality;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates Envoy's {@code ClusterLoadAssignment} (a STATIC cluster's {@code load_assignment}, or
 * an EDS resource) into endpoints with their weight, health status, priority and locality.
 */
public final class LoadAssignmentTranslator {

    /** Envoy's largest priority. */
    static final int MAX_PRIORITY = 127;

    private LoadAssignmentTranslator() {
    }

    /** The endpoints of {@code assignment} found at {@code path}; duplicates (same address and port) are errors. */
    static List<EndpointConfig> translate(ClusterLoadAssignment assignment, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(assignment, path, "cluster_name", "endpoints");
        List<EndpointConfig> result = new ArrayList<>();
        Map<String, FieldPath> seen = new HashMap<>();
        for (int i = 0; i < assignment.getEndpointsCount(); i++) {
            LocalityLbEndpoints group = assignment.getEndpoints(i);
            FieldPath groupPath = path.field("endpoints").index(i);
            // A locality's weight only counts with locality-weighted balancing, which Envoy also
            // ignores unless the cluster asks for it; metadata is for filters that read it.
            FieldCheck.only(group, groupPath, "lb_endpoints", "locality", "priority", "load_balancing_weight");
            if (group.getPriority() > MAX_PRIORITY) {
                throw groupPath.field("priority").invalid(Integer.toUnsignedString(group.getPriority())
                        + " is out of range 0.." + MAX_PRIORITY);
            }
            io.envoyproxy.envoy.config.core.v3.Locality l = group.getLocality();
            Locality locality = new Locality(l.getRegion(), l.getZone(), l.getSubZone());
            for (int j = 0; j < group.getLbEndpointsCount(); j++) {
                FieldPath at = groupPath.field("lb_endpoints").index(j);
                EndpointConfig e = endpoint(group.getLbEndpoints(j), at, group.getPriority(), locality);
                FieldPath earlier = seen.putIfAbsent(e.hostPort(), at);
                if (earlier != null) {
                    throw at.field("endpoint").invalid("duplicate endpoint " + e.hostPort() + " (also " + earlier + ")");
                }
                result.add(e);
            }
        }
        return result;
    }

    private static EndpointConfig endpoint(LbEndpoint lbEndpoint, FieldPath path, int priority, Locality locality)
            throws ResourceInvalidException {
        FieldCheck.only(lbEndpoint, path, "endpoint", "health_status", "load_balancing_weight", "metadata");
        HealthStatus health = switch (lbEndpoint.getHealthStatus()) {
            case UNKNOWN -> HealthStatus.UNKNOWN;
            case HEALTHY -> HealthStatus.HEALTHY;
            case UNHEALTHY -> HealthStatus.UNHEALTHY;
            case DRAINING -> HealthStatus.DRAINING;
            case TIMEOUT -> HealthStatus.TIMEOUT;
            case DEGRADED -> HealthStatus.DEGRADED;
            default -> throw path.field("health_status").invalid(
                    "value " + lbEndpoint.getHealthStatusValue() + " is not a health status");
        };
        int weight = 1;
        if (lbEndpoint.hasLoadBalancingWeight()) {
            long w = Integer.toUnsignedLong(lbEndpoint.getLoadBalancingWeight().getValue());
            if (w < 1 || w > Integer.MAX_VALUE) {
                throw path.field("load_balancing_weight").invalid(
                        w + " is not a weight; expected 1.." + Integer.MAX_VALUE);
            }
            weight = (int) w;
        }
        if (!lbEndpoint.hasEndpoint()) {
            throw path.field("endpoint").invalid("required");
        }
        Endpoint endpoint = lbEndpoint.getEndpoint();
        FieldPath endpointPath = path.field("endpoint");
        FieldCheck.only(endpoint, endpointPath, "address");
        if (!endpoint.hasAddress()) {
            throw endpointPath.field("address").invalid("required");
        }
        EndpointConfig plain = AddressTranslator.endpoint(endpoint.getAddress(), endpointPath.field("address"), weight);
        return new EndpointConfig(plain.address(), plain.port(), weight, health, priority, locality);
    }
}
