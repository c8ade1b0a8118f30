package dev.outrigger.sidecar.snapshot;

import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.xds.client.XdsClientOptions;
import java.util.Objects;

/**
 * Where and how the sidecar reaches its control plane, from the bootstrap's
 * {@code dynamic_resources}.
 *
 * @param host the control plane's host (an IP literal from an {@code envoy_grpc} cluster, or the
 *     host of a {@code google_grpc} target, which may be a DNS name)
 * @param port its port
 * @param clusterName the static cluster named by {@code envoy_grpc}, or "" for a {@code google_grpc} target
 * @param options node, stream variant, timeouts
 * @param listeners whether listeners come from the control plane ({@code lds_config})
 * @param clusters whether clusters come from the control plane ({@code cds_config})
 * @param routes the RDS route configurations listeners (static ones included) refer to
 */
public record AdsSettings(String host, int port, String clusterName, XdsClientOptions options, boolean listeners,
        boolean clusters, RouteRegistry routes) {

    public AdsSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(routes, "routes");
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
