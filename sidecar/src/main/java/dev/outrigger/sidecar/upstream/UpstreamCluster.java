package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionLimits;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.LoadBalancer;
import dev.outrigger.sidecar.cluster.LoadBalancers;
import dev.outrigger.sidecar.metrics.ClusterStats;
import dev.outrigger.sidecar.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running cluster: its endpoints with their counters, its load balancer, its limits, and one
 * connection pool per event loop per endpoint.
 */
public final class UpstreamCluster {

    private final ClusterConfig config;
    private final List<EndpointState> endpoints;
    private final LoadBalancer loadBalancer;
    private final ConnectionLimits limits;
    private final ClusterStats stats;
    private final Transport transport;
    private final ConcurrentMap<EventLoop, LoopPools> poolsByLoop = new ConcurrentHashMap<>();
    private final List<LoopPool> allPools = new CopyOnWriteArrayList<>();

    UpstreamCluster(ClusterConfig config, ClusterStats stats, Transport transport) {
        this.config = config;
        this.endpoints = LoadBalancers.endpointStates(config);
        this.loadBalancer = LoadBalancers.create(config.lbPolicy(), endpoints);
        this.limits = new ConnectionLimits(config.pool());
        this.stats = stats;
        this.transport = transport;
    }

    /** The configuration. */
    public ClusterConfig config() {
        return config;
    }

    /** The cluster's name. */
    public String name() {
        return config.name();
    }

    /** The endpoints with their live counters. */
    public List<EndpointState> endpoints() {
        return endpoints;
    }

    /** The load balancer. */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
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

    /** A connection bootstrap to this cluster's endpoints on {@code loop}: transport, connect timeout, socket options. */
    public Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
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
        boolean http2 = switch (config.protocol()) {
            case HTTP1 -> false;
            case HTTP2 -> true;
            case USE_DOWNSTREAM -> downstreamHttp2;
        };
        // The arrays belong to one loop: only that loop reads or fills their slots.
        LoopPools pools = poolsByLoop.get(loop);
        if (pools == null) {
            pools = poolsByLoop.computeIfAbsent(loop, l -> new LoopPools(endpoints.size()));
        }
        int i = endpoint.index();
        if (http2) {
            if (pools.http2[i] == null) {
                pools.http2[i] = new Http2ConnectionPool(this, endpoint, loop);
                allPools.add(pools.http2[i]);
            }
            return pools.http2[i];
        }
        if (pools.http1[i] == null) {
            pools.http1[i] = new Http1ConnectionPool(this, endpoint, loop);
            allPools.add(pools.http1[i]);
        }
        return pools.http1[i];
    }

    /** Whether requests to this cluster may go out as HTTP/1.1 for a client speaking {@code downstreamHttp2}. */
    public boolean speaksHttp1To(boolean downstreamHttp2) {
        return switch (config.protocol()) {
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

    /** One loop's pools, by endpoint index. */
    private static final class LoopPools {
        final Http1ConnectionPool[] http1;
        final Http2ConnectionPool[] http2;

        LoopPools(int endpoints) {
            http1 = new Http1ConnectionPool[endpoints];
            http2 = new Http2ConnectionPool[endpoints];
        }
    }
}
