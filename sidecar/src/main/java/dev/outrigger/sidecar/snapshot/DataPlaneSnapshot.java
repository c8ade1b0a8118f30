package dev.outrigger.sidecar.snapshot;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the data path needs, as one immutable value: published through an atomic
 * reference, read once when a request starts.
 *
 * @param version a label of this configuration ("static" for a bootstrap file)
 * @param listeners listeners in configuration order
 * @param clusters clusters by name
 * @param configDumpJson the configuration this snapshot was built from, as served by
 *     {@code /config_dump} (Envoy's {@code ConfigDump} JSON)
 */
public record DataPlaneSnapshot(
        String version,
        List<ListenerConfig> listeners,
        Map<String, ClusterConfig> clusters,
        String configDumpJson) {

    public DataPlaneSnapshot {
        Objects.requireNonNull(version, "version");
        listeners = List.copyOf(listeners);
        clusters = Map.copyOf(clusters);
        Objects.requireNonNull(configDumpJson, "configDumpJson");
    }

    /** The cluster with that name, or null. */
    public ClusterConfig cluster(String name) {
        return clusters.get(name);
    }
}
