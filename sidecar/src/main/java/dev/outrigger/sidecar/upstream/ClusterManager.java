package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.transport.Transport;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The running clusters by name, built from a snapshot's cluster configs. */
public final class ClusterManager {

    private final Map<String, UpstreamCluster> clusters;

    /** Creates the runtime state of every cluster in {@code configs}. */
    public ClusterManager(Map<String, ClusterConfig> configs, ProxyMetrics metrics, Transport transport) {
        Map<String, UpstreamCluster> byName = new LinkedHashMap<>();
        configs.values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(c -> byName.put(c.name(), new UpstreamCluster(c, metrics.cluster(c.name()), transport)));
        this.clusters = Map.copyOf(byName);
    }

    /** The cluster named {@code name}, or null. */
    public UpstreamCluster get(String name) {
        return clusters.get(name);
    }

    /** Every cluster. */
    public Collection<UpstreamCluster> all() {
        return clusters.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /** Closes all idle pooled connections. */
    public void closeIdleConnections() {
        clusters.values().forEach(UpstreamCluster::closeIdle);
    }
}
