package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Translates Envoy's {@code tcp_proxy} network filter into a {@link TcpProxyConfig}. */
final class TcpProxyTranslator {

    /** The name Envoy gives the TCP proxy network filter. */
    static final String NAME = "envoy.filters.network.tcp_proxy";

    private TcpProxyTranslator() {
    }

    /** Translates {@code proxy} found at {@code path}. */
    static TcpProxyConfig translate(TcpProxy proxy, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(proxy, path, "stat_prefix", "cluster", "weighted_clusters", "idle_timeout",
                "access_log", "hash_policy");
        if (proxy.getStatPrefix().isEmpty()) {
            throw path.field("stat_prefix").invalid("required, as in Envoy (it prefixes this proxy's statistics)");
        }
        // A cluster that does not exist is accepted, as in Envoy: its connections are closed at run time.
        List<ClusterWeight> clusters = switch (proxy.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (proxy.getCluster().isEmpty()) {
                    throw path.field("cluster").invalid("must not be empty");
                }
                yield List.of(new ClusterWeight(proxy.getCluster(), 1));
            }
            case WEIGHTED_CLUSTERS -> weightedClusters(proxy.getWeightedClusters(), path.field("weighted_clusters"));
            default -> throw path.invalid("one of cluster or weighted_clusters is required");
        };
        Duration idleTimeout = proxy.hasIdleTimeout()
                ? ConfigValues.nonNegative(proxy.getIdleTimeout(), path.field("idle_timeout"))
                : TcpProxyConfig.DEFAULT_IDLE_TIMEOUT;
        return new TcpProxyConfig(proxy.getStatPrefix(), clusters, idleTimeout,
                AccessLogTranslator.translate(proxy.getAccessLogList(), path.field("access_log")),
                hashSourceIp(proxy, path.field("hash_policy")));
    }

    /** {@code hash_policy}: at most one entry, {@code source_ip} (the only one a TCP proxy can have here). */
    private static boolean hashSourceIp(TcpProxy proxy, FieldPath path) throws ResourceInvalidException {
        if (proxy.getHashPolicyCount() == 0) {
            return false;
        }
        if (proxy.getHashPolicyCount() > 1) {
            throw path.invalid("give at most one entry (source_ip)");
        }
        var p = proxy.getHashPolicy(0);
        if (!p.hasSourceIp()) {
            throw path.index(0).invalid("only source_ip is supported");
        }
        FieldCheck.only(p, path.index(0), "source_ip");
        return true;
    }

    private static List<ClusterWeight> weightedClusters(TcpProxy.WeightedCluster weighted, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(weighted, path, "clusters");
        if (weighted.getClustersCount() == 0) {
            throw path.field("clusters").invalid("at least one cluster is required");
        }
        List<ClusterWeight> clusters = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < weighted.getClustersCount(); i++) {
            TcpProxy.WeightedCluster.ClusterWeight c = weighted.getClusters(i);
            FieldPath at = path.field("clusters").index(i);
            FieldCheck.only(c, at, "name", "weight");
            if (c.getName().isEmpty()) {
                throw at.field("name").invalid("must not be empty");
            }
            // Unlike a route's weighted clusters, Envoy requires every TCP proxy weight to be at least 1.
            long weight = Integer.toUnsignedLong(c.getWeight());
            if (weight == 0) {
                throw at.field("weight").invalid("must be at least 1");
            }
            total += weight;
            clusters.add(new ClusterWeight(c.getName(), weight));
        }
        if (total > ClusterWeight.MAX_WEIGHT) {
            throw path.field("clusters").invalid("sum of weights is " + total + "; it must be at most "
                    + ClusterWeight.MAX_WEIGHT);
        }
        return clusters;
    }
}
