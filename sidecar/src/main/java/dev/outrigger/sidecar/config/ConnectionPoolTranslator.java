package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Translates a cluster's connection limits ({@code circuit_breakers}) and the connection settings
 * of its upstream HTTP options ({@code typed_extension_protocol_options}) into
 * {@link ConnectionPoolSettings}.
 */
final class ConnectionPoolTranslator {

    /** The one key of {@code typed_extension_protocol_options} Outrigger reads. */
    static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private ConnectionPoolTranslator() {
    }

    /**
     * The pool settings of {@code cluster} at {@code path}; Envoy's defaults where unset.
     *
     * @param options the cluster's {@link #httpOptions}, or null
     */
    static ConnectionPoolSettings translate(Cluster cluster,
            io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions options, FieldPath path)
            throws ResourceInvalidException {
        FieldPath optionsPath = httpOptionsPath(path);
        ConnectionPoolSettings d = ConnectionPoolSettings.DEFAULTS;
        int maxConnections = d.maxConnections();
        int maxPending = d.maxPendingRequests();
        int maxPerEndpoint = d.maxConnectionsPerEndpoint();
        int maxRequests = d.maxRequests();
        if (cluster.hasCircuitBreakers()) {
            CircuitBreakers breakers = cluster.getCircuitBreakers();
            FieldPath breakersPath = path.field("circuit_breakers");
            FieldCheck.only(breakers, breakersPath, "thresholds", "per_host_thresholds");
            int i = defaultPriority(breakers.getThresholdsList(), breakersPath.field("thresholds"));
            if (i >= 0) {
                CircuitBreakers.Thresholds limits = breakers.getThresholds(i);
                FieldPath p = breakersPath.field("thresholds").index(i);
                FieldCheck.only(limits, p, "priority", "max_connections", "max_pending_requests", "max_requests");
                if (limits.hasMaxConnections()) {
                    maxConnections = atLeastOne(limits.getMaxConnections().getValue(), p.field("max_connections"));
                }
                if (limits.hasMaxRequests()) {
                    maxRequests = atLeastOne(limits.getMaxRequests().getValue(), p.field("max_requests"));
                }
                if (limits.hasMaxPendingRequests()) {
                    // 0 is meaningful: no queueing, fail fast when every connection is busy.
                    maxPending = ConfigValues.count(limits.getMaxPendingRequests());
                }
            }
            int h = defaultPriority(breakers.getPerHostThresholdsList(), breakersPath.field("per_host_thresholds"));
            if (h >= 0) {
                CircuitBreakers.Thresholds perHost = breakers.getPerHostThresholds(h);
                FieldPath p = breakersPath.field("per_host_thresholds").index(h);
                FieldCheck.only(perHost, p, "priority", "max_connections");
                if (perHost.hasMaxConnections()) {
                    maxPerEndpoint = atLeastOne(perHost.getMaxConnections().getValue(), p.field("max_connections"));
                }
            }
        }
        Duration idleTimeout = d.idleTimeout();
        int maxRequestsPerConnection = d.maxRequestsPerConnection();
        if (options != null && options.hasCommonHttpProtocolOptions()) {
            HttpProtocolOptions common = options.getCommonHttpProtocolOptions();
            FieldPath c = optionsPath.field("common_http_protocol_options");
            FieldCheck.only(common, c, "idle_timeout", "max_requests_per_connection");
            if (common.hasIdleTimeout()) {
                idleTimeout = ConfigValues.nonNegative(common.getIdleTimeout(), c.field("idle_timeout"));
            }
            // As in Envoy, 0 means no limit.
            if (common.hasMaxRequestsPerConnection() && common.getMaxRequestsPerConnection().getValue() != 0) {
                maxRequestsPerConnection = ConfigValues.count(common.getMaxRequestsPerConnection());
            }
        }
        return new ConnectionPoolSettings(maxConnections, maxPerEndpoint, maxPending, idleTimeout,
                maxRequestsPerConnection, maxRequests);
    }

    /**
     * The cluster's upstream {@code HttpProtocolOptions}, or null when it has none; any other key
     * of {@code typed_extension_protocol_options} is rejected.
     */
    static io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions httpOptions(Cluster cluster,
            FieldPath path) throws ResourceInvalidException {
        FieldPath optionsPath = path.field("typed_extension_protocol_options");
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions found = null;
        for (Map.Entry<String, Any> entry : cluster.getTypedExtensionProtocolOptionsMap().entrySet()) {
            FieldPath p = optionsPath.key(entry.getKey());
            if (!entry.getKey().equals(HTTP_OPTIONS)) {
                throw p.invalid(entry.getKey() + " is not supported (only " + HTTP_OPTIONS + ")");
            }
            found = ConfigValues.unpack(entry.getValue(),
                    io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.class, p);
        }
        return found;
    }

    /** Where {@link #httpOptions} are in the cluster at {@code path}. */
    static FieldPath httpOptionsPath(FieldPath path) {
        return path.field("typed_extension_protocol_options").key(HTTP_OPTIONS);
    }

    // The index of the DEFAULT-priority entry of a thresholds list (-1 if none), rejecting HIGH
    // and repeated entries.
    private static int defaultPriority(List<CircuitBreakers.Thresholds> list, FieldPath path)
            throws ResourceInvalidException {
        int found = -1;
        for (int i = 0; i < list.size(); i++) {
            CircuitBreakers.Thresholds t = list.get(i);
            if (t.getPriority() != RoutingPriority.DEFAULT) {
                throw path.index(i).field("priority").invalid(
                        ClusterTranslator.enumName(t.getPriority(), t.getPriorityValue())
                        + " is not supported yet (only DEFAULT)");
            }
            if (found >= 0) {
                throw path.index(i).invalid("a second entry for priority DEFAULT; give each priority once");
            }
            found = i;
        }
        return found;
    }

    private static int atLeastOne(int uint32, FieldPath path) throws ResourceInvalidException {
        if (uint32 == 0) {
            throw path.invalid("must be at least 1 (0 would refuse every request)");
        }
        return (int) Math.min(Integer.toUnsignedLong(uint32), Integer.MAX_VALUE);
    }
}
