package dev.outrigger.sidecar.cluster;

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
 */
public record ClusterConfig(
        String name,
        Duration connectTimeout,
        LbPolicy lbPolicy,
        List<EndpointConfig> endpoints,
        ConnectionPoolSettings pool) {

    /** Envoy's default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(pool, "pool");
    }
}
