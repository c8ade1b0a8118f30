package dev.outrigger.sidecar.listener;

import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code tcp_proxy} network filter: bytes of the connection go to an endpoint of a
 * cluster, unchanged, both ways.
 *
 * @param statPrefix Envoy's {@code stat_prefix}
 * @param clusters the cluster ({@code cluster}, one entry) or {@code weighted_clusters}
 * @param idleTimeout the connection pair is closed after this long without bytes either way
 *     ({@code idle_timeout}, default 1h; zero disables)
 * @param accessLogs the {@code access_log} list: one line per connection to each, when it closes
 */
public record TcpProxyConfig(String statPrefix, List<ClusterWeight> clusters, Duration idleTimeout,
        List<AccessLogConfig> accessLogs, boolean hashSourceIp) {

    /** A TCP proxy without access logs. */
    public TcpProxyConfig(String statPrefix, List<ClusterWeight> clusters, Duration idleTimeout) {
        this(statPrefix, clusters, idleTimeout, List.of());
    }

    /** A TCP proxy without a hash policy. */
    public TcpProxyConfig(String statPrefix, List<ClusterWeight> clusters, Duration idleTimeout,
            List<AccessLogConfig> accessLogs) {
        this(statPrefix, clusters, idleTimeout, accessLogs, false);
    }

    /** Envoy's default {@code idle_timeout} of a TCP proxy. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    public TcpProxyConfig {
        Objects.requireNonNull(statPrefix, "statPrefix");
        clusters = List.copyOf(clusters);
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("a TCP proxy needs a cluster");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        accessLogs = List.copyOf(accessLogs);
    }
}
