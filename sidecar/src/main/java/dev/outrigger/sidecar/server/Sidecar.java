package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.admin.AdminServer;
import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.ListenerChannelInitializer;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.http.HttpChainInstaller;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.DataPlaneSnapshot;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.sidecar.tcp.TcpChainInstaller;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Outrigger process: event loops, admin endpoint, clusters and bound listeners.
 * {@link #start} brings it up in that order; {@link #drain} and {@link #close} take it down.
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
    private final long startNanos = System.nanoTime();
    private final Map<String, ListenerContext> listeners = new LinkedHashMap<>();
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private EventLoopGroup workers;
    private AdminServer admin;
    private ClusterManager clusters;
    private final Runnable drainRequested;

    private Sidecar(BootstrapConfig config, String configPath, Runnable drainRequested) {
        this.drainRequested = drainRequested == null ? this::drain : drainRequested;
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
        clusters = new ClusterManager(snap.clusters(), metrics, transport);
        ChainInstaller installer = new ChainInstallers(new HttpChainInstaller(), new TcpChainInstaller());
        for (ListenerConfig lc : snap.listeners()) {
            ListenerContext ctx = new ListenerContext(lc, clusters, metrics.listener(lc.name()));
            Channel ch = bindOrFail("listener '" + lc.name() + "'", lc.address(), () -> new ServerBootstrap()
                    .group(workers)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ListenerChannelInitializer(ctx, installer))
                    .bind(lc.address())
                    .sync()
                    .channel());
            listeners.put(lc.name(), ctx);
            serverChannels.put(lc.name(), ch);
            log.info("listener '{}' listening on {}", lc.name(), hostPort((InetSocketAddress) ch.localAddress()));
        }
        state.set(Lifecycle.LIVE);
        log.info("ready: {} listener(s), {} cluster(s)", listeners.size(), snap.clusters().size());
    }

    private interface Binder<T> {
        T bind() throws InterruptedException;
    }

    private static <T> T bindOrFail(String what, InetSocketAddress address, Binder<T> binder) throws StartupException {
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

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The current lifecycle state. */
    public Lifecycle state() {
        return state.get();
    }

    /** The bound address of a listener (the real port when 0 was configured). */
    public InetSocketAddress listenerAddress(String name) {
        Channel ch = serverChannels.get(name);
        if (ch == null) {
            throw new IllegalArgumentException("no listener named " + name);
        }
        return (InetSocketAddress) ch.localAddress();
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
        if (!state.compareAndSet(Lifecycle.LIVE, Lifecycle.DRAINING)) {
            return drained;
        }
        log.info("draining: {} open connection(s), deadline {} ms", openConnections(),
                settings.drainTimeout().toMillis());
        serverChannels.values().forEach(Channel::close);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (ListenerContext l : listeners.values()) {
            all.add(l.drain());
        }
        CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
        workers.next().schedule(() -> {
            if (!done.isDone()) {
                log.warn("drain timeout: closing {} connection(s) with requests still in flight", openConnections());
                listeners.values().forEach(ListenerContext::closeAll);
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
        return listeners.values().stream().mapToInt(ListenerContext::openConnections).sum();
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

    /** Closes everything now: listeners, connections, admin, event loops. */
    @Override
    public void close() {
        state.set(Lifecycle.STOPPED);
        serverChannels.values().forEach(ch -> ch.close().syncUninterruptibly());
        listeners.values().forEach(ListenerContext::closeAll);
        if (clusters != null) {
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
