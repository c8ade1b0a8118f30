package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.EndpointState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;

/**
 * The HTTP/1.1 connections of one event loop to one endpoint. Only its event loop touches it,
 * so it needs no locks; the limits it enforces are cluster-wide atomic counters, and pools of
 * other loops are nudged through {@link UpstreamCluster} when capacity frees up.
 *
 * <p>Idle connections are reused last-in first-out, keeping the warmest connection busy and
 * letting the others reach their idle timeout.
 */
public final class Http1ConnectionPool implements UpstreamPool, LoopPool {

    private final UpstreamCluster cluster;
    private final EndpointState endpoint;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<UpstreamExchange> waiters = new ArrayDeque<>();
    // Written by this loop only; read by other loops to decide whether to nudge this pool.
    private volatile int idleCount;
    private boolean retired;
    private volatile int waiterCount;

    Http1ConnectionPool(UpstreamCluster cluster, EndpointState endpoint, EventLoop loop) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.loop = loop;
        this.bootstrap = cluster.bootstrap(loop)
                // The bound exchange reads when its client can take more.
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        cluster.addTls(ch, endpoint);
                        Http1ClientCodec.install(ch.pipeline());
                        ch.pipeline().addLast(new UpstreamConnection(Http1ConnectionPool.this));
                    }
                });
    }

    @Override
    public boolean isHttp2() {
        return false;
    }

    /** The endpoint this pool connects to. */
    public EndpointState endpoint() {
        return endpoint;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /**
     * Gets {@code exchange} a connection: an idle one now, a new one once connected, or one
     * released later if the limits are reached; otherwise fails it with {@link UpstreamFailure#OVERFLOW}.
     */
    @Override
    public void acquire(UpstreamExchange exchange) {
        UpstreamConnection c;
        while ((c = idle.pollLast()) != null) {
            idleCount = idle.size();
            if (c.isUsable()) {
                c.bind(exchange);
                exchange.onUpstreamReady(c);
                return;
            }
        }
        if (cluster.limits().tryReserveConnection(endpoint)) {
            connect(exchange);
        } else if (cluster.limits().tryReservePending()) {
            waiters.addLast(exchange);
            waiterCount = waiters.size();
            // A loop that freed a slot just before the line above saw no waiter and nudged no one;
            // trying again now closes that window: either it sees our waiter or we see its slot.
            serveWaiters();
            if (hasWaiters()) {
                // Another loop may hold idle connections that count against the limit.
                cluster.askForIdleConnections(this);
            }
        } else {
            cluster.stats().overflow();
            exchange.onUpstreamFailure(UpstreamFailure.OVERFLOW);
        }
    }

    /** Withdraws a waiting exchange (its client left or it timed out). */
    @Override
    public void cancel(UpstreamExchange exchange) {
        if (waiters.remove(exchange)) {
            waiterCount = waiters.size();
            cluster.limits().releasePending();
        }
    }

    int maxRequestsPerConnection() {
        return cluster.config().pool().maxRequestsPerConnection();
    }

    void release(UpstreamConnection c, boolean reusable) {
        if (!reusable || !c.isUsable()) {
            c.close();
            return;
        }
        UpstreamExchange waiter = pollWaiter();
        if (waiter != null) {
            c.bind(waiter);
            waiter.onUpstreamReady(c);
            return;
        }
        if (retired || cluster.hasWaitersElsewhere(this)) {
            // A connection cannot move to another event loop; closing it frees the slot for a loop that waits.
            c.close();
            return;
        }
        idle.addLast(c);
        idleCount = idle.size();
        c.startIdleTimer(cluster.config().pool().idleTimeout().toNanos());
        // Keep a read pending while idle, so a close by the upstream is noticed now, not on next use.
        c.read();
    }

    void onClosed(UpstreamConnection c) {
        if (idle.remove(c)) {
            idleCount = idle.size();
        }
        cluster.limits().releaseConnection(endpoint);
        cluster.stats().connectionClosed();
        serveWaiters();
        cluster.capacityFreed(this);
    }

    @Override
    public void serveWaiters() {
        while (!waiters.isEmpty() && cluster.limits().tryReserveConnection(endpoint)) {
            connect(pollWaiter());
        }
    }

    @Override
    public void closeOneIdle() {
        UpstreamConnection c = idle.pollFirst();
        if (c != null) {
            idleCount = idle.size();
            c.close();
        }
    }

    @Override
    public boolean hasWaiters() {
        return waiterCount > 0;
    }

    @Override
    public boolean hasIdle() {
        return idleCount > 0;
    }

    @Override
    public void retire() {
        retired = true;
        closeAllIdle();
    }

    @Override
    public void closeAllIdle() {
        while (!idle.isEmpty()) {
            closeOneIdle();
        }
    }

    private UpstreamExchange pollWaiter() {
        UpstreamExchange w = waiters.pollFirst();
        if (w != null) {
            waiterCount = waiters.size();
            cluster.limits().releasePending();
        }
        return w;
    }

    private void connect(UpstreamExchange exchange) {
        ChannelFuture f = bootstrap.connect(endpoint.address());
        f.addListener(done -> {
            if (done.isSuccess()) {
                endpoint.connectionOpened();
                cluster.stats().connectionOpened();
                UpstreamConnection c = f.channel().pipeline().get(UpstreamConnection.class);
                c.bind(exchange);
                exchange.onUpstreamReady(c);
            } else {
                // channelInactive never fires for a channel that did not connect: free the slot here.
                cluster.limits().releaseConnection(endpoint);
                endpoint.connectFailed();
                cluster.stats().connectFailed();
                exchange.onUpstreamFailure(done.cause() instanceof ConnectTimeoutException
                        ? UpstreamFailure.CONNECT_TIMEOUT : UpstreamFailure.CONNECT_FAILURE);
            }
        });
    }
}
