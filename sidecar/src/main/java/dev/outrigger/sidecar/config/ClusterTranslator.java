package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.sidecar.tls.TlsSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import java.util.List;

/**
 * Translates Envoy's {@code Cluster} into a {@link ClusterConfig}: a STATIC cluster with IP
 * endpoints given inline in {@code load_assignment}, or an EDS cluster whose endpoints come over
 * the ADS stream; balanced as {@link LbPolicyTranslator} reads; spoken to in HTTP/1.1, HTTP/2 or the client's HTTP version.
 */
final class ClusterTranslator {

    private ClusterTranslator() {
    }

    /** Translates {@code cluster} found at {@code path}. */
    static ClusterConfig translate(Cluster cluster, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(cluster, path, "name", "type", "connect_timeout", "lb_policy", "load_assignment",
                "eds_cluster_config", "circuit_breakers", "typed_extension_protocol_options",
                "http2_protocol_options", "transport_socket", "load_balancing_policy", "round_robin_lb_config",
                "least_request_lb_config", "ring_hash_lb_config", "maglev_lb_config", "outlier_detection",
                "health_checks");
        if (cluster.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        String edsServiceName = "";
        List<EndpointConfig> endpoints = List.of();
        if (cluster.getType() == Cluster.DiscoveryType.EDS) {
            edsServiceName = eds(cluster, path);
        } else if (cluster.getType() == Cluster.DiscoveryType.STATIC) {
            if (cluster.hasEdsClusterConfig()) {
                throw path.field("eds_cluster_config").invalid("only for type EDS");
            }
            endpoints = LoadAssignmentTranslator.translate(cluster.getLoadAssignment(), path.field("load_assignment"));
            if (endpoints.isEmpty()) {
                throw path.field("load_assignment").invalid(
                        "a STATIC cluster needs at least one endpoint in load_assignment.endpoints[].lb_endpoints");
            }
        } else {
            throw path.field("type").invalid(enumName(cluster.getType(), cluster.getTypeValue())
                    + " is not supported yet (STATIC or EDS)");
        }
        Duration connectTimeout = cluster.hasConnectTimeout()
                ? ConfigValues.positive(cluster.getConnectTimeout(), path.field("connect_timeout"))
                : ClusterConfig.DEFAULT_CONNECT_TIMEOUT;
        LbPolicy lbPolicy = LbPolicyTranslator.translate(cluster, path);
        var httpOptions = ConnectionPoolTranslator.httpOptions(cluster, path);
        UpstreamProtocolTranslator.Result protocol = UpstreamProtocolTranslator.translate(cluster, httpOptions, path,
                ConnectionPoolTranslator.httpOptionsPath(path));
        ConnectionPoolSettings pool = ConnectionPoolTranslator.translate(cluster, httpOptions, path);
        TlsSettings tls = cluster.hasTransportSocket()
                ? TlsContextTranslator.upstream(cluster.getTransportSocket(), path.field("transport_socket"))
                : null;
        if (tls != null) {
            checkAlpn(tls, protocol.protocol(), path.field("transport_socket"));
        }
        var healthChecks = HealthCheckTranslator.translate(cluster.getHealthChecksList(), path.field("health_checks"));
        for (int i = 0; i < healthChecks.size(); i++) {
            if (healthChecks.get(i).probe() instanceof dev.outrigger.sidecar.cluster.HealthCheckConfig.Http
                    && protocol.protocol() == dev.outrigger.sidecar.cluster.UpstreamProtocol.HTTP2) {
                // The HTTP probe speaks HTTP/1.1: against endpoints spoken to in HTTP/2 only it would always fail.
                throw path.field("health_checks").index(i).field("http_health_check").invalid("the cluster speaks"
                        + " HTTP/2 to its endpoints and HTTP health checks use HTTP/1.1; use grpc_health_check or"
                        + " tcp_health_check");
            }
        }
        return new ClusterConfig(cluster.getName(), connectTimeout, lbPolicy, endpoints, pool,
                protocol.protocol(), protocol.http2(), edsServiceName, tls,
                OutlierDetectionTranslator.translate(cluster, path), healthChecks);
    }

    // ALPN must not offer what the cluster will not speak: a peer picking h2 for a connection
    // the cluster writes HTTP/1.1 on would break every request on it.
    private static void checkAlpn(TlsSettings tls, dev.outrigger.sidecar.cluster.UpstreamProtocol protocol,
            FieldPath path) throws ResourceInvalidException {
        FieldPath at = path.field("typed_config").field("common_tls_context").field("alpn_protocols");
        if (protocol == dev.outrigger.sidecar.cluster.UpstreamProtocol.HTTP1 && tls.alpn().contains("h2")) {
            throw at.invalid("offers h2 but the cluster speaks HTTP/1.1 to its endpoints; offer http/1.1, or "
                    + "configure HTTP/2 (explicit_http_config.http2_protocol_options)");
        }
        if (protocol == dev.outrigger.sidecar.cluster.UpstreamProtocol.HTTP2 && !tls.alpn().isEmpty()
                && !tls.alpn().contains("h2")) {
            throw at.invalid("does not offer h2 but the cluster speaks HTTP/2 to its endpoints");
        }
        if (protocol == dev.outrigger.sidecar.cluster.UpstreamProtocol.USE_DOWNSTREAM && !tls.alpn().isEmpty()) {
            throw at.invalid("not supported with use_downstream_protocol_config: the protocol is chosen per request");
        }
    }

    // The endpoints come as a ClusterLoadAssignment named service_name (else the cluster's name).
    private static String eds(Cluster cluster, FieldPath path) throws ResourceInvalidException {
        if (cluster.hasLoadAssignment()) {
            throw path.field("load_assignment").invalid("an EDS cluster takes its endpoints from EDS; remove it");
        }
        FieldPath at = path.field("eds_cluster_config");
        Cluster.EdsClusterConfig eds = cluster.getEdsClusterConfig();
        FieldCheck.only(eds, at, "eds_config", "service_name");
        if (!eds.hasEdsConfig()) {
            throw at.field("eds_config").invalid("required: ads: {}");
        }
        ConfigSourceTranslator.requireAds(eds.getEdsConfig(), at.field("eds_config"));
        return eds.getServiceName().isEmpty() ? cluster.getName() : eds.getServiceName();
    }

    /** An enum's name, or its number when it is not one this API version knows. */
    static String enumName(Enum<?> value, int number) {
        return value.name().equals("UNRECOGNIZED") ? "value " + number : value.name();
    }
}
