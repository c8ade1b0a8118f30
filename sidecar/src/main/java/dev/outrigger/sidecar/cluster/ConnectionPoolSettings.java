package dev.outrigger.sidecar.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the connections to a cluster's endpoints (from Envoy's {@code circuit_breakers} and
 * {@code HttpProtocolOptions}).
 *
 * @param maxConnections connections to the whole cluster, across all event loops
 *     ({@code circuit_breakers.thresholds[].max_connections}, default 1024)
 * @param maxConnectionsPerEndpoint connections to one endpoint, across all event loops
 *     ({@code circuit_breakers.per_host_thresholds[].max_connections}, default unlimited)
 * @param maxPendingRequests requests waiting for a connection, across the cluster
 *     ({@code circuit_breakers.thresholds[].max_pending_requests}, default 1024)
 * @param idleTimeout an idle pooled connection is closed after this
 *     ({@code common_http_protocol_options.idle_timeout}, default 1h; zero disables)
 * @param maxRequestsPerConnection a connection is closed after serving this many requests
 *     ({@code common_http_protocol_options.max_requests_per_connection}, default unlimited)
 * @param maxRequests requests in flight to the whole cluster, across all event loops; one more is
 *     refused at once ({@code circuit_breakers.thresholds[].max_requests}, default 1024)
 */
public record ConnectionPoolSettings(
        int maxConnections,
        int maxConnectionsPerEndpoint,
        int maxPendingRequests,
        Duration idleTimeout,
        int maxRequestsPerConnection,
        int maxRequests) {

    /** Envoy's default {@code max_requests}. */
    public static final int DEFAULT_MAX_REQUESTS = 1024;

    /** Envoy's defaults. */
    public static final ConnectionPoolSettings DEFAULTS =
            new ConnectionPoolSettings(1024, Integer.MAX_VALUE, 1024, Duration.ofHours(1), Integer.MAX_VALUE);

    /** Limits with Envoy's default {@code max_requests}. */
    public ConnectionPoolSettings(int maxConnections, int maxConnectionsPerEndpoint, int maxPendingRequests,
            Duration idleTimeout, int maxRequestsPerConnection) {
        this(maxConnections, maxConnectionsPerEndpoint, maxPendingRequests, idleTimeout, maxRequestsPerConnection,
                DEFAULT_MAX_REQUESTS);
    }

    public ConnectionPoolSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
