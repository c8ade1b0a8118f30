package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.health.HealthChecker;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import io.netty.channel.EventLoopGroup;
import java.util.IdentityHashMap;
import dev.outrigger.sidecar.transport.Transport;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import dev.outrigger.sidecar.tls.TlsContextSource;
import dev.outrigger.sidecar.tls.TlsSettings;

/**
 * The running clusters by name. The map is immutable and replaced whole by {@link #update}, so a
 * request looks a cluster up without a lock and keeps the one it found until it ends.
 */
public final class ClusterManager {

    private final ProxyMetrics metrics;
    private final Transport transport;
    private final Function<TlsSettings, TlsContextSource> tlsContexts;
    /** Event loops that run the clusters' outlier detection. */
    private final io.netty.util.concurrent.EventExecutorGroup timers;
    private volatile Map<String, UpstreamCluster> clusters = Map.of();
    /** Where health checks run; null: clusters are not health checked (tests without event loops). */
    private final EventLoopGroup healthCheckLoops;
    /** The health checker of each running cluster that has {@code health_checks}; guarded by this. */
    private final Map<UpstreamCluster, HealthChecker> healthCheckers = new IdentityHashMap<>();
    private final java.util.List<Runnable> updateListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Creates the runtime state of every cluster in {@code configs}. */
    public ClusterManager(Map<String, ClusterConfig> configs, ProxyMetrics metrics, Transport transport) {
        this(configs, metrics, transport, settings -> {
            throw new IllegalStateException("no TLS contexts configured");
        });
    }

    /** Clusters that originate TLS get their contexts from {@code tlsContexts}. */
    public ClusterManager(Map<String, ClusterConfig> configs, ProxyMetrics metrics, Transport transport,
            Function<TlsSettings, TlsContextSource> tlsContexts) {
        this(configs, metrics, transport, tlsContexts, null);
    }

    /**
     * Clusters whose outlier detection and health checks run on {@code workers} (the sidecar's
     * event loops); null: outlier detection on Netty's global executor and no health checking
     * (tests without event loops).
     */
    public ClusterManager(Map<String, ClusterConfig> configs, ProxyMetrics metrics, Transport transport,
            Function<TlsSettings, TlsContextSource> tlsContexts, EventLoopGroup workers) {
        this.timers = workers == null ? io.netty.util.concurrent.GlobalEventExecutor.INSTANCE : workers;
        this.healthCheckLoops = workers;
        this.metrics = metrics;
        this.transport = transport;
        this.tlsContexts = tlsContexts;
        update(configs);
    }

    private UpstreamCluster create(ClusterConfig c) {
        UpstreamCluster cluster = new UpstreamCluster(c, metrics.cluster(c.name()), transport,
                c.tls() == null ? null : tlsContexts.apply(c.tls()), timers.next());
        if (healthCheckLoops != null && !c.healthChecks().isEmpty()) {
            HealthChecker checker = new HealthChecker(cluster, healthCheckLoops, metrics.healthChecks(c.name()));
            healthCheckers.put(cluster, checker);
            checker.start();
        }
        return cluster;
    }

    private void retire(UpstreamCluster cluster) {
        HealthChecker checker = healthCheckers.remove(cluster);
        if (checker != null) {
            checker.close();
        }
        cluster.retire();
    }

    /** Stops health checking and outlier detection (when the process stops). */
    public synchronized void close() {
        healthCheckers.values().forEach(HealthChecker::close);
        healthCheckers.clear();
        for (UpstreamCluster c : clusters.values()) {
            if (c.outlierDetector() != null) {
                c.outlierDetector().stop();
            }
        }
    }

    /** The cluster named {@code name}, or null. */
    public UpstreamCluster get(String name) {
        return clusters.get(name);
    }

    /** Every cluster, by name. */
    public Collection<UpstreamCluster> all() {
        return clusters.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /**
     * Makes {@code configs} the running clusters. A cluster whose configuration is unchanged
     * stays as it is; one whose endpoints alone changed keeps its pools for the endpoints that
     * stay; any other change builds a new cluster and retires the old one. Clusters not in
     * {@code configs} retire: requests already routed to them finish, their connections close
     * as they become idle. Called by one thread at a time (the configuration's).
     *
     * @return how many clusters were added, changed in place, replaced and removed
     */
    public synchronized UpdateCounts update(Map<String, ClusterConfig> configs) {
        Map<String, UpstreamCluster> old = clusters;
        Map<String, UpstreamCluster> next = new LinkedHashMap<>();
        List<UpstreamCluster> retired = new java.util.ArrayList<>();
        int added = 0;
        int updated = 0;
        int replaced = 0;
        for (ClusterConfig c : configs.values()) {
            UpstreamCluster existing = old.get(c.name());
            if (existing == null) {
                next.put(c.name(), create(c));
                added++;
            } else if (existing.config().equals(c)) {
                next.put(c.name(), existing);
            } else if (existing.config().sameExceptEndpoints(c)) {
                existing.updateEndpoints(c);
                HealthChecker checker = healthCheckers.get(existing);
                if (checker != null) {
                    checker.syncEndpoints();
                }
                next.put(c.name(), existing);
                updated++;
            } else {
                next.put(c.name(), create(c));
                retired.add(existing);
                replaced++;
            }
        }
        int removed = 0;
        for (UpstreamCluster c : old.values()) {
            if (!next.containsKey(c.name())) {
                retired.add(c);
                removed++;
            }
        }
        clusters = Map.copyOf(next);
        retired.forEach(this::retire);
        for (Runnable listener : updateListeners) {
            listener.run();
        }
        return new UpdateCounts(added, updated, replaced, removed);
    }

    /**
     * Runs {@code listener} after every {@link #update} (on the thread that updates), until the
     * returned handle is closed: how a client of a service reached through a cluster (a rate
     * limit service) follows its endpoints. It must be quick and must not throw.
     */
    public AutoCloseable onUpdate(Runnable listener) {
        updateListeners.add(listener);
        return () -> updateListeners.remove(listener);
    }

    /** Closes all idle pooled connections. */
    public void closeIdleConnections() {
        clusters.values().forEach(UpstreamCluster::closeIdle);
    }

    /**
     * What one {@link #update} did.
     *
     * @param added new clusters
     * @param updated clusters whose endpoints changed in place
     * @param replaced clusters rebuilt because more than their endpoints changed
     * @param removed clusters retired
     */
    public record UpdateCounts(int added, int updated, int replaced, int removed) {
    }
}
