package dev.outrigger.sidecar.xds;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ClusterEndpoints;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clusters from the bootstrap and CDS, and the endpoints EDS delivered for them. An EDS cluster
 * warms until its endpoints arrive (or are known not to exist); meanwhile the version it
 * replaces keeps serving. Not thread-safe: the applier calls it under its lock.
 */
final class ClusterWarming {

    private final Set<String> staticNames;
    /** Static clusters, then CDS ones, latest version of each. */
    private final Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    /** Endpoints by EDS service name; an empty list for a name EDS says does not exist. */
    private final Map<String, List<EndpointConfig>> endpoints = new HashMap<>();
    private Map<String, ClusterConfig> active = Map.of();

    private final java.util.function.Predicate<String> secretReady;

    ClusterWarming(Map<String, ClusterConfig> staticClusters, java.util.function.Predicate<String> secretReady) {
        this.secretReady = secretReady;
        this.staticNames = Set.copyOf(staticClusters.keySet());
        this.clusters.putAll(staticClusters);
    }

    /** Why CDS may not deliver {@code name}, or null if it may. */
    String refusal(String name) {
        return staticNames.contains(name)
                ? "a static cluster of the bootstrap has this name; CDS cannot replace it" : null;
    }

    void put(ClusterConfig cluster) {
        clusters.put(cluster.name(), cluster);
    }

    void remove(String name) {
        if (!staticNames.contains(name)) {
            clusters.remove(name);
        }
    }

    /** EDS delivered endpoints for {@code serviceName}. */
    void endpoints(ClusterEndpoints delivered) {
        endpoints.put(delivered.serviceName(), delivered.endpoints());
    }

    /** EDS has no endpoints for {@code serviceName} (removed, or never sent). */
    void noEndpoints(String serviceName) {
        endpoints.put(serviceName, List.of());
    }

    /** The EDS service names every EDS cluster needs; endpoints of names no longer needed are forgotten. */
    Set<String> edsNames() {
        Set<String> names = new TreeSet<>();
        for (ClusterConfig c : all().values()) {
            if (c.isEds()) {
                names.add(c.edsServiceName());
            }
        }
        endpoints.keySet().retainAll(names);
        return names;
    }

    /**
     * The clusters to run now: every cluster that is warm (with its endpoints filled in), and for
     * one still warming the version it replaces, if any.
     */
    Map<String, ClusterConfig> active() {
        Map<String, ClusterConfig> next = new LinkedHashMap<>();
        for (ClusterConfig c : all().values()) {
            ClusterConfig ready = warm(c);
            if (ready != null) {
                next.put(c.name(), ready);
            } else if (active.containsKey(c.name())) {
                next.put(c.name(), active.get(c.name()));
            }
        }
        active = next;
        return next;
    }

    /** Whether the cluster {@code name} runs its latest version. */
    boolean isWarm(String name) {
        ClusterConfig c = clusters.get(name);
        return c != null && warm(c) != null;
    }

    /** Whether every cluster runs its latest version. */
    boolean allWarm() {
        for (ClusterConfig c : all().values()) {
            if (warm(c) == null) {
                return false;
            }
        }
        return true;
    }

    /** The SDS secret names every cluster's TLS needs. */
    Set<String> sdsNames() {
        Set<String> names = new TreeSet<>();
        for (ClusterConfig c : all().values()) {
            names.addAll(c.sdsNames());
        }
        return names;
    }

    private ClusterConfig warm(ClusterConfig c) {
        for (String secret : c.sdsNames()) {
            if (!secretReady.test(secret)) {
                return null;
            }
        }
        if (!c.isEds()) {
            return c;
        }
        List<EndpointConfig> eps = endpoints.get(c.edsServiceName());
        return eps == null ? null : c.withEndpoints(eps);
    }

    private Map<String, ClusterConfig> all() {
        return clusters;
    }
}
