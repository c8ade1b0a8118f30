package dev.outrigger.sidecar.cluster;

import dev.outrigger.sidecar.outlier.OutlierDetectionConfig;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.sidecar.tls.TlsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream cluster as configured: a named set of endpoints, how to pick among them and how
 * to pool connections to them. Immutable; built by the config package from Envoy's {@code Cluster}.
 *
 * @param name the cluster name routes refer to
 * @param connectTimeout how long a TCP connect to an endpoint may take
 * @param lbPolicy how an endpoint is chosen for a request
 * @param endpoints the endpoints, in configuration order
 * @param pool connection pool limits
 * @param protocol which HTTP version requests to the endpoints use
 * @param http2 HTTP/2 settings offered to the endpoints when {@code protocol} may be HTTP/2
 * @param edsServiceName for an EDS cluster, the name its endpoints are requested by
 *     ({@code eds_cluster_config.service_name}, else the cluster name); empty for a STATIC cluster
 * @param tls how connections to the endpoints originate TLS ({@code transport_socket}), or null for plain text
 * @param outlierDetection passive outlier detection ({@code outlier_detection}), or null for none
 * @param healthChecks the active health checks ({@code health_checks}); empty for none
 */
public record ClusterConfig(
        String name,
        Duration connectTimeout,
        LbPolicy lbPolicy,
        List<EndpointConfig> endpoints,
        ConnectionPoolSettings pool,
        UpstreamProtocol protocol,
        Http2Settings http2,
        String edsServiceName,
        TlsSettings tls,
        OutlierDetectionConfig outlierDetection,
        List<HealthCheckConfig> healthChecks) {

    /** A cluster without outlier detection or active health checks. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool, UpstreamProtocol protocol, Http2Settings http2, String edsServiceName,
            TlsSettings tls) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, protocol, http2, edsServiceName, tls, null, List.of());
    }

    /** A cluster without active health checks. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool, UpstreamProtocol protocol, Http2Settings http2, String edsServiceName,
            TlsSettings tls, OutlierDetectionConfig outlierDetection) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, protocol, http2, edsServiceName, tls, outlierDetection,
                List.of());
    }

    /** A cluster without outlier detection. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool, UpstreamProtocol protocol, Http2Settings http2, String edsServiceName,
            TlsSettings tls, List<HealthCheckConfig> healthChecks) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, protocol, http2, edsServiceName, tls, null,
                healthChecks);
    }

    /** A plain-text cluster. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool, UpstreamProtocol protocol, Http2Settings http2, String edsServiceName) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, protocol, http2, edsServiceName, null);
    }

    /** A STATIC cluster spoken to in HTTP/1.1. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, UpstreamProtocol.HTTP1, Http2Settings.DEFAULTS, "");
    }

    /** A STATIC cluster. */
    public ClusterConfig(String name, Duration connectTimeout, LbPolicy lbPolicy, List<EndpointConfig> endpoints,
            ConnectionPoolSettings pool, UpstreamProtocol protocol, Http2Settings http2) {
        this(name, connectTimeout, lbPolicy, endpoints, pool, protocol, http2, "");
    }

    /** Envoy's default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(http2, "http2");
        Objects.requireNonNull(edsServiceName, "edsServiceName");
        healthChecks = List.copyOf(healthChecks);
    }

    /** Names of the SDS secrets its TLS uses. */
    public List<String> sdsNames() {
        return tls == null ? List.of() : tls.sdsNames();
    }

    /** Whether the endpoints come from EDS. */
    public boolean isEds() {
        return !edsServiceName.isEmpty();
    }

    /** This cluster with other endpoints (an EDS update). */
    public ClusterConfig withEndpoints(List<EndpointConfig> newEndpoints) {
        return new ClusterConfig(name, connectTimeout, lbPolicy, newEndpoints, pool, protocol, http2, edsServiceName,
                tls, outlierDetection, healthChecks);
    }

    /** Whether {@code other} differs from this one in its endpoints at most. */
    public boolean sameExceptEndpoints(ClusterConfig other) {
        return withEndpoints(List.of()).equals(other.withEndpoints(List.of()));
    }
}
