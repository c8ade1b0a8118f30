package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates Envoy's {@code Cluster} into a {@link ClusterConfig}: a STATIC cluster with
 * round-robin balancing over IP endpoints given inline in {@code load_assignment}, spoken to in
 * HTTP/1.1, HTTP/2 or the client's HTTP version.
 */
final class ClusterTranslator {

    private ClusterTranslator() {
    }

    /** Translates {@code cluster} found at {@code path}. */
    static ClusterConfig translate(Cluster cluster, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(cluster, path, "name", "type", "connect_timeout", "lb_policy", "load_assignment",
                "circuit_breakers", "typed_extension_protocol_options", "http2_protocol_options");
        if (cluster.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        if (cluster.getType() != Cluster.DiscoveryType.STATIC) {
            throw path.field("type").invalid(enumName(cluster.getType(), cluster.getTypeValue())
                    + " is not supported yet (only STATIC)");
        }
        Duration connectTimeout = cluster.hasConnectTimeout()
                ? ConfigValues.positive(cluster.getConnectTimeout(), path.field("connect_timeout"))
                : ClusterConfig.DEFAULT_CONNECT_TIMEOUT;
        if (cluster.getLbPolicy() != Cluster.LbPolicy.ROUND_ROBIN) {
            throw path.field("lb_policy").invalid(enumName(cluster.getLbPolicy(), cluster.getLbPolicyValue())
                    + " is not supported yet (only ROUND_ROBIN)");
        }
        List<EndpointConfig> endpoints = endpoints(cluster.getLoadAssignment(), path.field("load_assignment"));
        var httpOptions = ConnectionPoolTranslator.httpOptions(cluster, path);
        UpstreamProtocolTranslator.Result protocol = UpstreamProtocolTranslator.translate(cluster, httpOptions, path,
                ConnectionPoolTranslator.httpOptionsPath(path));
        ConnectionPoolSettings pool = ConnectionPoolTranslator.translate(cluster, httpOptions, path);
        return new ClusterConfig(cluster.getName(), connectTimeout, LbPolicy.ROUND_ROBIN, endpoints, pool,
                protocol.protocol(), protocol.http2());
    }

    private static List<EndpointConfig> endpoints(ClusterLoadAssignment assignment, FieldPath path)
            throws ResourceInvalidException {
        // cluster_name is accepted and not checked: for a STATIC cluster Envoy does not use it either.
        FieldCheck.only(assignment, path, "cluster_name", "endpoints");
        List<EndpointConfig> result = new ArrayList<>();
        for (int i = 0; i < assignment.getEndpointsCount(); i++) {
            LocalityLbEndpoints group = assignment.getEndpoints(i);
            FieldPath groupPath = path.field("endpoints").index(i);
            FieldCheck.only(group, groupPath, "lb_endpoints", "locality", "priority");
            if (!group.getLocality().equals(Locality.getDefaultInstance())) {
                throw groupPath.field("locality").invalid("locality is not supported yet");
            }
            if (group.getPriority() != 0) {
                throw groupPath.field("priority").invalid("priority " + Integer.toUnsignedString(group.getPriority())
                        + " is not supported yet (only 0)");
            }
            for (int j = 0; j < group.getLbEndpointsCount(); j++) {
                result.add(endpoint(group.getLbEndpoints(j), groupPath.field("lb_endpoints").index(j)));
            }
        }
        if (result.isEmpty()) {
            throw path.invalid(
                    "a STATIC cluster needs at least one endpoint in load_assignment.endpoints[].lb_endpoints");
        }
        return result;
    }

    private static EndpointConfig endpoint(LbEndpoint lbEndpoint, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(lbEndpoint, path, "endpoint", "health_status", "load_balancing_weight");
        HealthStatus health = lbEndpoint.getHealthStatus();
        if (health != HealthStatus.UNKNOWN && health != HealthStatus.HEALTHY) {
            throw path.field("health_status").invalid(enumName(health, lbEndpoint.getHealthStatusValue())
                    + " is not supported (UNKNOWN or HEALTHY)");
        }
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
        return AddressTranslator.endpoint(endpoint.getAddress(), endpointPath.field("address"), weight);
    }

    /** An enum's name, or its number when it is not one this API version knows. */
    static String enumName(Enum<?> value, int number) {
        return value.name().equals("UNRECOGNIZED") ? "value " + number : value.name();
    }
}
