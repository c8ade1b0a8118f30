package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The process's meter registry (Prometheus) and the per-listener and per-cluster meter sets,
 * each created once per name.
 */
public final class ProxyMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentMap<String, ListenerStats> listeners = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClusterStats> clusters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, HealthCheckStats> healthChecks = new ConcurrentHashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private XdsMetrics xds;

    /** A registry with JVM, GC, CPU and Netty direct-memory meters bound. */
    public ProxyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            registry.gauge(MeterNames.BUFFER_DIRECT_MEMORY, provider, p -> p.metric().usedDirectMemory());
        }
    }

    /** The meters of a listener. */
    public ListenerStats listener(String name) {
        return listeners.computeIfAbsent(name, n -> new ListenerStats(registry, n));
    }

    /** The meters of the xDS stream (created on first use). */
    public synchronized XdsMetrics xds() {
        if (xds == null) {
            xds = new XdsMetrics(registry);
        }
        return xds;
    }

    /** The meters of a cluster. */
    public ClusterStats cluster(String name) {
        return clusters.computeIfAbsent(name, n -> new ClusterStats(registry, n));
    }

    /** The active health checking meters of a cluster (created on first use). */
    public HealthCheckStats healthChecks(String cluster) {
        return healthChecks.computeIfAbsent(cluster, n -> new HealthCheckStats(registry, n));
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The underlying registry. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
