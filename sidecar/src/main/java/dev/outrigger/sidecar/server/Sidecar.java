package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.admin.AdminServer;
import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.mtls.TlsContexts;
import dev.outrigger.sidecar.downstream.TlsTerminator;
import dev.outrigger.sidecar.http.HttpChainInstaller;
import dev.outrigger.sidecar.tls.TlsContextManager;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.DataPlaneSnapshot;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.sidecar.tcp.TcpChainInstaller;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.sidecar.xds.DataPlane;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Outrigger process: event loops, admin endpoint, clusters and bound listeners, and
 * the ADS stream when the bootstrap names a control plane. {@link #start} brings it up in that
 * order; {@link #drain} and {@link #close} take it down.
 */
public final class Sidecar implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private final ServerSettings settings;
    private final String configPath;
    private final Transport transport;
    private final int concurrency;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.INITIALIZING);
    private final AtomicReference<DataPlaneSnapshot> snapshot;
    private final BootstrapConfig bootstrap;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private EventLoopGroup workers;
    private AdminServer admin;
    private ClusterManager clusters;
    private ListenerManager listeners;
    private dev.outrigger.sidecar.downstream.ListenerServices services;
    private volatile XdsRuntime xds;
    private TlsContextManager tls;
    /** How often certificate files are checked for changes. */
    static final long TLS_FILE_POLL_MILLIS = 1000;
    private final Runnable drainRequested;

    private Sidecar(BootstrapConfig config, String configPath, Runnable drainRequested) {
        this.drainRequested = drainRequested == null ? this::drain : drainRequested;
        this.bootstrap = config;
        this.settings = config.server();
        this.configPath = configPath;
        this.snapshot = new AtomicReference<>(config.snapshot());
        this.transport = Transport.select(settings.transport());
        this.concurrency = settings.concurrency() > 0 ? settings.concurrency()
                : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Starts a sidecar: admin endpoint first (so {@code /ready} can say 503 while starting), then
     * clusters, then every listener. On failure everything started is stopped again.
     *
     * @param config the translated bootstrap
     * @param configPath the file it came from, for {@code /server_info}
     */
    public static Sidecar start(BootstrapConfig config, String configPath) throws StartupException {
        return start(config, configPath, null);
    }

    /**
     * Starts a sidecar whose {@code POST /drain} runs {@code drainRequested} (the CLI's: drain,
     * then exit) instead of only draining. It may run while the sidecar is still starting.
     */
    public static Sidecar start(BootstrapConfig config, String configPath, Runnable drainRequested)
            throws StartupException {
        Sidecar s;
        try {
            s = new Sidecar(config, configPath, drainRequested);
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
        try {
            s.startAll();
            return s;
        } catch (StartupException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll() throws StartupException {
        log.info("transport {} with {} event loop(s)", transport.name(), concurrency);
        workers = transport.newGroup(concurrency, "outrigger-worker");
        admin = bindOrFail("admin", settings.adminAddress(),
                () -> AdminServer.start(settings.adminAddress(), transport, new SidecarAdmin(this)));
        log.info("admin listening on {}", hostPort(admin.address()));
        DataPlaneSnapshot snap = snapshot.get();
        tls = new TlsContextManager(TLS_FILE_POLL_MILLIS, metrics.registry());
        log.info("TLS: {}", TlsContexts.providerDescription());
        clusters = new ClusterManager(snap.clusters(), metrics, transport, tls::client, workers);
        services = new dev.outrigger.sidecar.downstream.ListenerServices(metrics.registry(), settings.nodeCluster() == null ? "" : settings.nodeCluster(),
                clusters, workers, transport.socketChannelClass());
        listeners = new ListenerManager(workers, transport,
                new TlsTerminator(new ChainInstallers(new HttpChainInstaller(), new TcpChainInstaller()),
                        chain -> tls.server(chain.tls())), services, metrics, settings.drainTimeout());
        for (ListenerConfig lc : snap.listeners()) {
            prepareTls(lc);
            listeners.add(lc);
        }
        if (bootstrap.ads() == null) {
            state.set(Lifecycle.LIVE);
            log.info("ready: {} listener(s), {} cluster(s)", snap.listeners().size(), snap.clusters().size());
            return;
        }
        // Not ready until the control plane's first complete configuration serves.
        xds = XdsRuntime.start(bootstrap, new Plane(), metrics, transport, tls);
    }

    /** What the xDS configuration changes here; runs on the configuration thread. */
    private final class Plane implements DataPlane {

        @Override
        public void setClusters(Map<String, ClusterConfig> configs) {
            ClusterManager.UpdateCounts c = clusters.update(configs);
            if (c.added() + c.updated() + c.replaced() + c.removed() > 0) {
                log.info("clusters: {} added, {} with new endpoints, {} replaced, {} removed; {} running",
                        c.added(), c.updated(), c.replaced(), c.removed(), configs.size());
            }
            retainTls();
        }

        @Override
        public String putListener(ListenerConfig listener) {
            prepareTls(listener);
            try {
                listeners.replace(listener);
                return null;
            } catch (StartupException e) {
                return e.getMessage();
            } finally {
                retainTls();
            }
        }

        @Override
        public void removeListener(String name) {
            listeners.remove(name);
            retainTls();
        }

        @Override
        public void initialized() {
            if (state.compareAndSet(Lifecycle.INITIALIZING, Lifecycle.LIVE)) {
                log.info("ready: {} listener(s), {} cluster(s)", listeners.names().size(), clusters.all().size());
            }
        }
    }

    interface Binder<T> {
        T bind() throws InterruptedException;
    }

    static <T> T bindOrFail(String what, InetSocketAddress address, Binder<T> binder) throws StartupException {
        try {
            return binder.bind();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while binding " + what, e);
        } catch (Exception e) {
            // Netty rethrows the bind's IOException unchecked; keep only the OS's reason
            // ("bind(..) failed with error(-98): Address already in use" on epoll).
            String reason = String.valueOf(e.getMessage());
            int cut = reason.lastIndexOf("): ");
            throw new StartupException(what + " cannot bind " + address.getHostString() + ":" + address.getPort()
                    + ": " + (cut >= 0 ? reason.substring(cut + 3) : reason), e);
        }
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The current lifecycle state. */
    public Lifecycle state() {
        return state.get();
    }

    /** The bound address of a listener (the real port when 0 was configured). */
    public InetSocketAddress listenerAddress(String name) {
        InetSocketAddress a = listeners.address(name);
        if (a == null) {
            throw new IllegalArgumentException("no listener named " + name);
        }
        return a;
    }

    /** Names of the bound listeners. */
    public java.util.List<String> listenerNames() {
        return listeners.names();
    }

    /** The bound admin address. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /**
     * Stops accepting connections, lets in-flight requests finish, and closes what is still open
     * when the drain timeout expires. Idempotent; the future completes when no connection is left.
     */
    public CompletableFuture<Void> drain() {
        if (!state.compareAndSet(Lifecycle.LIVE, Lifecycle.DRAINING)
                && !state.compareAndSet(Lifecycle.INITIALIZING, Lifecycle.DRAINING)) {
            return drained;
        }
        log.info("draining: {} open connection(s), deadline {} ms", openConnections(),
                settings.drainTimeout().toMillis());
        CompletableFuture<Void> done = listeners.drainAll();
        workers.next().schedule(() -> {
            if (!done.isDone()) {
                log.warn("drain timeout: closing {} connection(s) with requests still in flight", openConnections());
                listeners.closeConnections();
            }
        }, settings.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
        done.whenComplete((v, e) -> {
            log.info("drained");
            drained.complete(null);
        });
        return drained;
    }

    void requestDrain() {
        drainRequested.run();
    }

    private int openConnections() {
        return listeners.openConnections();
    }

    ServerSettings settings() {
        return settings;
    }

    String configPath() {
        return configPath;
    }

    String transportName() {
        return transport.name();
    }

    int concurrency() {
        return concurrency;
    }

    long uptimeNanos() {
        return System.nanoTime() - startNanos;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    ClusterManager clusters() {
        return clusters;
    }

    DataPlaneSnapshot snapshot() {
        return snapshot.get();
    }

    // Reading key files and building TLS contexts is no work for an event loop: do it here, on
    // the configuration thread, before the first connection asks.
    private void prepareTls(ListenerConfig listener) {
        for (var chain : listener.allFilterChains()) {
            if (chain.tls() != null) {
                tls.server(chain.tls());
            }
        }
    }

    // TLS contexts of settings no listener or cluster uses any more go, with their expiry gauges.
    private void retainTls() {
        java.util.Set<dev.outrigger.sidecar.tls.TlsSettings> servers = new java.util.HashSet<>();
        java.util.Set<dev.outrigger.sidecar.tls.TlsSettings> clients = new java.util.HashSet<>();
        for (ListenerConfig lc : listeners.configs()) {
            for (var chain : lc.allFilterChains()) {
                if (chain.tls() != null) {
                    servers.add(chain.tls());
                }
            }
        }
        for (var cluster : clusters.all()) {
            if (cluster.config().tls() != null) {
                clients.add(cluster.config().tls());
            }
        }
        tls.retain(servers, clients);
    }

    /** The TLS contexts and their certificates. */
    TlsContextManager tls() {
        return tls;
    }

    /** The xDS stream and what it applied, or null for a static configuration. */
    XdsRuntime xds() {
        return xds;
    }

    /** Closes everything now: listeners, connections, admin, event loops. */
    @Override
    public void close() {
        state.set(Lifecycle.STOPPED);
        if (xds != null) {
            xds.close();
        }
        if (listeners != null) {
            listeners.closeAll();
            listeners.releaseAll();
        }
        if (services != null) {
            services.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (clusters != null) {
            clusters.close();
            clusters.closeIdleConnections();
        }
        if (admin != null) {
            admin.close();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        metrics.close();
    }
}
