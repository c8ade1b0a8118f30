package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.accesslog.AccessLogs;
import dev.outrigger.sidecar.detect.ServerFirstPorts;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ListenerStats;
import dev.outrigger.sidecar.upstream.ClusterManager;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one listener shares, whatever its protocol: the configuration, the
 * clusters it sends to, its meters, the set of open connections that draining walks, and the
 * ports protocol detection found to be server-first.
 */
public final class ListenerContext {

    /** Set on a connection once it is counted as opened, cleared when counted as closed. */
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf(ListenerContext.class, "counted");
    /** The handler in charge of a connection now, for draining that one connection. */
    private static final AttributeKey<Drainable> OWNER = AttributeKey.valueOf(ListenerContext.class, "owner");

    private final ListenerConfig config;
    private final ClusterManager clusters;
    private final ListenerStats stats;
    private final String scheme;
    private final Set<Drainable> connections = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final ServerFirstPorts serverFirstPorts = new ServerFirstPorts();
    private volatile boolean draining;
    /** What the filters opened, closed by {@link #release}; only added to while constructing. */
    private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ListenerContext.class);
    private final String serviceCluster;
    /** The HTTP filters of each connection manager of the listener, by identity; read-only once built. */
    private final java.util.Map<dev.outrigger.sidecar.listener.HttpConnectionManagerConfig,
            dev.outrigger.sidecar.filter.HttpFilterChain> httpFilters = new java.util.IdentityHashMap<>();
    /** The access logs of each connection manager and TCP proxy that has some, by identity; read-only once built. */
    private final java.util.Map<Object, AccessLogs> accessLogs = new java.util.IdentityHashMap<>();
    /** The network filters of each filter chain, by identity; read-only once built. */
    private final java.util.Map<dev.outrigger.sidecar.listener.FilterChainConfig,
            dev.outrigger.sidecar.filter.NetworkFilterChain> networkFilters = new java.util.IdentityHashMap<>();

    /**
     * Context of a listener whose filters use the process's {@code services}. What the filters
     * open is closed by {@link #release}; if building fails, what was opened so far is closed.
     */
    public ListenerContext(ListenerConfig config, ListenerStats stats, ListenerServices services) {
        this.serviceCluster = services.serviceCluster();
        this.config = config;
        this.clusters = services.clusters();
        this.stats = stats;
        this.scheme = "http";
        try {
            for (var chain : config.allFilterChains()) {
                if (!chain.networkFilters().isEmpty()) {
                    networkFilters.put(chain, dev.outrigger.sidecar.filter.NetworkFilterChain.build(
                            chain.networkFilters(), environment(services,
                                    chain.http() != null ? chain.http().statPrefix() : chain.tcp().statPrefix())));
                }
                if (chain.http() != null && !chain.http().filters().isEmpty()) {
                    httpFilters.put(chain.http(), dev.outrigger.sidecar.filter.HttpFilterChain.build(
                            chain.http().filters(), environment(services, chain.http().statPrefix())));
                }
                if (chain.http() != null) {
                    buildAccessLogs(chain.http(), chain.http().accessLogs(), services);
                } else {
                    buildAccessLogs(chain.tcp(), chain.tcp().accessLogs(), services);
                }
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Opens the access logs of {@code proxy} (a connection manager or TCP proxy) unless it has none or they are open. */
    private void buildAccessLogs(Object proxy, java.util.List<AccessLogConfig> configs, ListenerServices services) {
        if (configs.isEmpty() || accessLogs.containsKey(proxy)) {
            return;
        }
        AccessLogs logs;
        try {
            logs = AccessLogs.build(configs, services.accessLogSinks());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(cannotOpen(e), e);
        }
        resources.add(logs);
        accessLogs.put(proxy, logs);
    }

    /** What an access log file that cannot be opened is reported as: its path and why. */
    static String cannotOpen(java.io.IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory (does its directory exist?)"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName();
            return "access log file " + f.getFile() + " cannot be opened: " + reason;
        }
        return "an access log file cannot be opened: " + e.getMessage();
    }

    private dev.outrigger.sidecar.filter.FilterEnvironment environment(ListenerServices services, String statPrefix) {
        return new dev.outrigger.sidecar.filter.FilterEnvironment(config.name(), statPrefix, services.registry(),
                services, resources::add);
    }

    /**
     * Closes what the listener's filters opened (clients of other services). Call once no
     * connection uses this context (drained), off the event loops; idempotent.
     */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("listener '{}': closing {} failed", config.name(), resources.get(i), e);
            }
        }
    }

    /** The network filters of {@code chain}, one of this listener's filter chains. */
    public dev.outrigger.sidecar.filter.NetworkFilterChain networkFilters(
            dev.outrigger.sidecar.listener.FilterChainConfig chain) {
        var filters = networkFilters.get(chain);
        return filters == null ? dev.outrigger.sidecar.filter.NetworkFilterChain.EMPTY : filters;
    }

    /** The access logs of {@code hcm}, one of this listener's connection managers: {@link AccessLogs#NONE} without. */
    public AccessLogs accessLogs(dev.outrigger.sidecar.listener.HttpConnectionManagerConfig hcm) {
        return accessLogsOf(hcm);
    }

    /** The access logs of {@code proxy}, one of this listener's TCP proxies: {@link AccessLogs#NONE} without. */
    public AccessLogs accessLogs(dev.outrigger.sidecar.listener.TcpProxyConfig proxy) {
        return accessLogsOf(proxy);
    }

    private AccessLogs accessLogsOf(Object proxy) {
        AccessLogs logs = accessLogs.isEmpty() ? null : accessLogs.get(proxy);
        return logs == null ? AccessLogs.NONE : logs;
    }

    /** Context of a listener whose filters use services of their own (tests). */
    public ListenerContext(ListenerConfig config, ClusterManager clusters, ListenerStats stats) {
        this(config, stats, new ListenerServices(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "",
                clusters, null, null));
    }

    /** This sidecar's service cluster ({@code node.cluster}), "" when unset: the rate-limit {@code source_cluster}. */
    public String serviceCluster() {
        return serviceCluster;
    }

    /** The HTTP filters of {@code hcm}, one of this listener's connection managers. */
    public dev.outrigger.sidecar.filter.HttpFilterChain httpFilters(
            dev.outrigger.sidecar.listener.HttpConnectionManagerConfig hcm) {
        var chain = httpFilters.get(hcm);
        return chain == null ? dev.outrigger.sidecar.filter.HttpFilterChain.EMPTY : chain;
    }

    /** The listener's configuration. */
    public ListenerConfig config() {
        return config;
    }

    /** The running clusters. */
    public ClusterManager clusters() {
        return clusters;
    }

    /** Its meters. */
    public ListenerStats stats() {
        return stats;
    }

    /** Destination ports where clients stayed silent through protocol detection (empty without detection). */
    public ServerFirstPorts serverFirstPorts() {
        return serverFirstPorts;
    }

    /** "http" or "https": what {@code x-forwarded-proto} and redirects say. */
    public String scheme() {
        return scheme;
    }

    /** Whether the listener is draining: connections finish what they do and close. */
    public boolean isDraining() {
        return draining;
    }

    /** Open connections now. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Starts draining: each connection finishes its in-flight work and closes. The future
     * completes when the last connection has closed.
     */
    public CompletableFuture<Void> drain() {
        draining = true;
        for (Drainable c : connections) {
            c.drain();
        }
        completeIfDrained();
        return drained;
    }

    /**
     * Drains the one connection {@code channel}: it finishes what is in flight and closes (HTTP/2
     * with GOAWAY), so its client reconnects. Used before the certificate it was authenticated
     * with expires.
     */
    public void drainConnection(io.netty.channel.Channel channel) {
        Drainable owner = channel.attr(OWNER).get();
        if (owner != null && connections.contains(owner)) {
            owner.drain();
        }
    }

    /** Closes every connection now, finished or not. */
    public void closeAll() {
        for (Drainable c : connections) {
            c.forceClose();
        }
    }

    /**
     * The handler now in charge of a connection: it is drained with the listener. A connection
     * is counted as opened once, however many handlers take it over (sniffer, then HTTP/1.1,
     * then HTTP/2 after an upgrade).
     */
    public void opened(Drainable connection) {
        connections.add(connection);
        connection.channel().attr(OWNER).set(connection);
        if (connection.channel().attr(COUNTED).setIfAbsent(Boolean.TRUE) == null) {
            stats.connectionOpened();
        }
        if (draining) {
            connection.drain();
        }
    }

    /** {@code from} hands the connection to another handler, which calls {@link #opened} next. */
    public void handOff(Drainable from) {
        connections.remove(from);
    }

    /** The connection closed; its last handler reports it. */
    public void closed(Drainable connection) {
        if (connections.remove(connection)
                && connection.channel().attr(COUNTED).getAndSet(Boolean.FALSE) == Boolean.TRUE) {
            stats.connectionClosed();
        }
        completeIfDrained();
    }

    private void completeIfDrained() {
        if (draining && connections.isEmpty()) {
            drained.complete(null);
        }
    }
}
