package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionLimits;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.LoadBalancer;
import dev.outrigger.sidecar.cluster.LoadBalancers;
import dev.outrigger.sidecar.metrics.ClusterStats;
import dev.outrigger.sidecar.outlier.OutlierDetector;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.tls.TlsContextSource;
import dev.outrigger.sidecar.tls.TlsSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running cluster: its endpoints with their counters, its load balancer, its limits, and one
 * connection pool per event loop per endpoint.
 *
 * <p>EDS replaces the endpoints in place ({@link #updateEndpoints}): the endpoint list and its
 * balancer are one immutable {@link Members} value behind a volatile field, so a request reads
 * them once without a lock. Endpoints that stay keep their pools; the pools of removed endpoints
 * retire (idle connections close now, busy ones when their request ends).
 */
public final class UpstreamCluster {

    /** The configuration, its endpoints and their balancer, replaced together with one write. */
    private volatile Members members;
    /** A balancer rebuild is queued and has not started yet. */
    private final java.util.concurrent.atomic.AtomicBoolean rebuildPending = new java.util.concurrent.atomic.AtomicBoolean();
    /** Requests forwarded and not finished, against {@code max_requests}. */
    private final java.util.concurrent.atomic.AtomicInteger requestSlots = new java.util.concurrent.atomic.AtomicInteger();
    private final ConnectionLimits limits;
    /** Where TLS toward the endpoints gets its context, or null for plain text. */
    private final TlsContextSource tls;
    private final ClusterStats stats;
    private final Transport transport;
    private final ConcurrentMap<EventLoop, LoopPools> poolsByLoop = new ConcurrentHashMap<>();
    private final List<LoopPool> allPools = new CopyOnWriteArrayList<>();
    /** Passive outlier detection, or null when the cluster has none. */
    private final OutlierDetector outlier;

    UpstreamCluster(ClusterConfig config, ClusterStats stats, Transport transport, TlsContextSource tls) {
        this(config, stats, transport, tls, null);
    }

    /** A cluster whose outlier detection (if configured) decides and keeps time on {@code control}. */
    UpstreamCluster(ClusterConfig config, ClusterStats stats, Transport transport, TlsContextSource tls,
            io.netty.util.concurrent.EventExecutor control) {
        this.tls = tls;
        this.members = Members.of(config, List.of());
        this.limits = new ConnectionLimits(config.pool());
        this.stats = stats;
        this.transport = transport;
        this.outlier = config.outlierDetection() == null || control == null ? null
                : new OutlierDetector(config.outlierDetection(), config.name(), this::endpoints, this::refreshBalancer,
                        stats.outlier(), System::nanoTime, control);
        if (outlier != null) {
            outlier.start(control);
        }
    }

    /** The cluster's outlier detector, or null: the data path reports request outcomes to it. */
    public OutlierDetector outlierDetector() {
        return outlier;
    }

    /** The configuration. */
    public ClusterConfig config() {
        return members.config();
    }

    /** The cluster's name. */
    public String name() {
        return members.config().name();
    }

    /** The endpoints with their live counters. */
    public List<EndpointState> endpoints() {
        return members.endpoints();
    }

    /** The load balancer over the endpoints now. */
    public LoadBalancer loadBalancer() {
        return members.loadBalancer();
    }

    /**
     * Replaces the endpoints with those of {@code newConfig}, which must differ from the current
     * configuration in its endpoints only. Requests already sent finish on their endpoint.
     */
    synchronized void updateEndpoints(ClusterConfig newConfig) {
        Members old = members;
        if (!old.config().sameExceptEndpoints(newConfig)) {
            throw new IllegalArgumentException("cluster " + name() + " changed more than its endpoints");
        }
        Members next = Members.of(newConfig, old.endpoints());
        members = next;
        Set<EndpointState> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(next.endpoints());
        for (EndpointState e : old.endpoints()) {
            if (!kept.contains(e)) {
                retirePools(e);
            }
        }
    }

    /**
     * Rebuilds the balancer over the same endpoints, after an endpoint's availability changed
     * ({@link EndpointState#setFlag}: health checking, outlier detection). The rebuild runs on
     * one shared background thread, never on the caller's (an event loop: a Maglev table or a
     * large ring takes milliseconds to seconds), and requests close together are merged into one:
     * a rebuild reads the flags after it is started, so no change is lost. Requests read the
     * balancer once, so the swap is one volatile write. Safe from any thread.
     */
    public void refreshBalancer() {
        if (rebuildPending.compareAndSet(false, true)) {
            REBUILDS.execute(() -> {
                rebuildPending.set(false);
                synchronized (this) {
                    Members m = members;
                    members = new Members(m.config(), m.endpoints(),
                            LoadBalancers.create(m.config().lbPolicy(), m.endpoints()));
                }
            });
        }
    }

    /** Where balancers are rebuilt after availability changes: one daemon thread for the process. */
    private static final java.util.concurrent.ExecutorService REBUILDS = java.util.concurrent.Executors
            .newSingleThreadExecutor(new io.netty.util.concurrent.DefaultThreadFactory("outrigger-lb-rebuild", true));

    /**
     * Takes one of the cluster's {@code max_requests} slots for a request about to be forwarded;
     * false (and an overflow counted) when all are taken. Each true must be matched by one
     * {@link #releaseRequestSlot}.
     */
    public boolean tryAcquireRequestSlot() {
        int max = members.config().pool().maxRequests();
        while (true) {
            int now = requestSlots.get();
            if (now >= max) {
                stats.overflow();
                return false;
            }
            if (requestSlots.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquireRequestSlot}. */
    public void releaseRequestSlot() {
        requestSlots.decrementAndGet();
    }

    /** The cluster was removed or replaced: every pool retires. */
    void retire() {
        if (outlier != null) {
            outlier.stop();
        }
        for (EndpointState e : members.endpoints()) {
            retirePools(e);
        }
    }

    private void retirePools(EndpointState endpoint) {
        for (Map.Entry<EventLoop, LoopPools> entry : poolsByLoop.entrySet()) {
            LoopPools pools = entry.getValue();
            entry.getKey().execute(() -> {
                for (LoopPool p : pools.remove(endpoint)) {
                    allPools.remove(p);
                    p.retire();
                }
            });
        }
    }
    /** The cluster's meters. */
    public ClusterStats stats() {
        return stats;
    }

    ConnectionLimits limits() {
        return limits;
    }

    /** The I/O transport connections to the endpoints use. */
    public Transport transport() {
        return transport;
    }

    /**
     * Adds TLS toward {@code endpoint} at the head of a new connection's pipeline when the cluster
     * originates TLS, with the context current now; writes wait in the TLS handler until the
     * handshake is done. Without valid credentials the connection is closed (fail closed).
     */
    public void addTls(Channel ch, EndpointState endpoint) {
        if (tls == null) {
            return;
        }
        TlsContextSource.Snapshot current = tls.snapshot();
        if (current == null) {
            stats.connectFailed();
            ch.close();
            return;
        }
        SslContext context = current.context();
        TlsSettings settings = config().tls();
        String peer = settings.sni().isEmpty() ? endpoint.config().address() : settings.sni();
        SslHandler handler = context.newHandler(ch.alloc(), peer, endpoint.config().port());
        ch.pipeline().addFirst("tls", handler);
        long expires = current.expiresAtEpochSecond();
        ch.pipeline().addAfter("tls", "tls-renewal", new UpstreamTlsRenewal(name(), endpoint.hostPort(),
                expires == Long.MAX_VALUE ? Long.MAX_VALUE : expires * 1000));
    }

    /** A connection bootstrap to this cluster's endpoints on {@code loop}: transport, connect timeout, socket options. */
    public Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config().connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
    }

    /**
     * Takes a connection slot of the cluster and of {@code endpoint} for a connection that does
     * not belong to a pool (a TCP proxy connection); false when a limit is reached. Give it back
     * with {@link #releaseConnectionSlot} once the connection attempt fails or the connection closes.
     */
    public boolean tryReserveConnectionSlot(EndpointState endpoint) {
        return limits.tryReserveConnection(endpoint);
    }

    /** Gives back a slot taken by {@link #tryReserveConnectionSlot}; pools waiting for one are told. */
    public void releaseConnectionSlot(EndpointState endpoint) {
        limits.releaseConnection(endpoint);
        capacityFreed(null);
    }

    /**
     * The pool of {@code loop}'s connections to {@code endpoint} in the cluster's protocol (for
     * {@code USE_DOWNSTREAM}, the client's); call only on {@code loop}.
     */
    public UpstreamPool pool(EventLoop loop, EndpointState endpoint, boolean downstreamHttp2) {
        boolean http2 = switch (config().protocol()) {
            case HTTP1 -> false;
            case HTTP2 -> true;
            case USE_DOWNSTREAM -> downstreamHttp2;
        };
        // The arrays belong to one loop: only that loop reads or fills their slots.
        LoopPools pools = poolsByLoop.get(loop);
        if (pools == null) {
            pools = poolsByLoop.computeIfAbsent(loop, l -> new LoopPools());
        }
        if (http2) {
            Http2ConnectionPool p = pools.http2.get(endpoint);
            if (p == null) {
                p = new Http2ConnectionPool(this, endpoint, loop);
                pools.http2.put(endpoint, p);
                allPools.add(p);
                retireIfGone(endpoint, pools, p);
            }
            return p;
        }
        Http1ConnectionPool p = pools.http1.get(endpoint);
        if (p == null) {
            p = new Http1ConnectionPool(this, endpoint, loop);
            pools.http1.put(endpoint, p);
            allPools.add(p);
            retireIfGone(endpoint, pools, p);
        }
        return p;
    }

    // A request that read the endpoints just before EDS removed this one may create its pool
    // after the removal walked the loops: that pool retires at once (the request still uses it).
    private void retireIfGone(EndpointState endpoint, LoopPools pools, LoopPool pool) {
        if (!members.endpoints().contains(endpoint)) {
            pools.remove(endpoint);
            allPools.remove(pool);
            pool.retire();
        }
    }

    /** Whether requests to this cluster may go out as HTTP/1.1 for a client speaking {@code downstreamHttp2}. */
    public boolean speaksHttp1To(boolean downstreamHttp2) {
        return switch (config().protocol()) {
            case HTTP1 -> true;
            case HTTP2 -> false;
            case USE_DOWNSTREAM -> !downstreamHttp2;
        };
    }

    /**
     * A connection closed on {@code from}'s loop (null: a connection outside any pool): pools
     * elsewhere with waiters may now connect.
     */
    void capacityFreed(LoopPool from) {
        for (LoopPool p : allPools) {
            if (p != from && p.hasWaiters()) {
                p.loop().execute(p::serveWaiters);
            }
        }
    }

    /** True if a pool other than {@code from} has requests waiting for a connection slot. */
    boolean hasWaitersElsewhere(LoopPool from) {
        for (LoopPool p : allPools) {
            if (p != from && p.hasWaiters()) {
                return true;
            }
        }
        return false;
    }

    /** {@code from} is at the limit with requests waiting: ask another loop to give up an idle connection. */
    void askForIdleConnections(LoopPool from) {
        for (LoopPool p : allPools) {
            if (p != from && p.hasIdle()) {
                p.loop().execute(p::closeOneIdle);
                return;
            }
        }
    }

    /** Closes every pooled connection that carries nothing (used when the process stops). */
    void closeIdle() {
        for (LoopPool p : allPools) {
            p.loop().execute(p::closeAllIdle);
        }
    }

    /** One loop's pools, by endpoint; only that loop reads or changes them. */
    private static final class LoopPools {
        final Map<EndpointState, Http1ConnectionPool> http1 = new IdentityHashMap<>();
        final Map<EndpointState, Http2ConnectionPool> http2 = new IdentityHashMap<>();

        List<LoopPool> remove(EndpointState endpoint) {
            List<LoopPool> removed = new java.util.ArrayList<>(2);
            LoopPool a = http1.remove(endpoint);
            LoopPool b = http2.remove(endpoint);
            if (a != null) {
                removed.add(a);
            }
            if (b != null) {
                removed.add(b);
            }
            return removed;
        }
    }

    /**
     * The endpoints and the balancer over them, replaced together.
     *
     * @param config the cluster's configuration
     * @param endpoints every endpoint, serving or not
     * @param loadBalancer picks among the serving ones
     */
    private record Members(ClusterConfig config, List<EndpointState> endpoints, LoadBalancer loadBalancer) {

        static Members of(ClusterConfig config, List<EndpointState> previous) {
            List<EndpointState> states = LoadBalancers.endpointStates(config.endpoints(), previous);
            return new Members(config, states, LoadBalancers.create(config.lbPolicy(), states));
        }
    }
}
