package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.transport.Http2Codecs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/2 connections of one event loop to one endpoint. A request takes a stream on a
 * connection with room (under the endpoint's SETTINGS_MAX_CONCURRENT_STREAMS); when every
 * connection is full, a new one is opened if the cluster's limits allow, else the request waits.
 * Only its event loop touches it.
 */
public final class Http2ConnectionPool implements UpstreamPool, LoopPool {

    private final UpstreamCluster cluster;
    private final EndpointState endpoint;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final List<Http2UpstreamConnection> connections = new ArrayList<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Connections not ready for streams yet: connecting, or waiting for the endpoint's SETTINGS. */
    private int connecting;
    // Written by this loop only; read by other loops to decide whether to nudge this pool.
    private volatile int waiterCount;
    private volatile int idleCount;
    private boolean retired;

    Http2ConnectionPool(UpstreamCluster cluster, EndpointState endpoint, EventLoop loop) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.loop = loop;
        this.bootstrap = cluster.bootstrap(loop)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        cluster.addTls(ch, endpoint);
                        Http2FrameCodec codec = Http2Codecs.frameCodec(false, cluster.config().http2(), 0);
                        ch.pipeline().addLast(codec);
                        // Endpoints may not push: no handler for streams they would open.
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(new Http2UpstreamConnection(Http2ConnectionPool.this));
                    }
                });
    }

    /** The endpoint this pool connects to. */
    public EndpointState endpoint() {
        return endpoint;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public boolean isHttp2() {
        return true;
    }

    @Override
    public void acquire(UpstreamExchange exchange) {
        Http2UpstreamConnection c = withCapacity();
        if (c != null) {
            c.openStream(exchange);
            return;
        }
        if (connecting == 0 && cluster.limits().tryReserveConnection(endpoint)) {
            // This request opens a connection and rides on it: like the first request of an
            // HTTP/1.1 pool, it is not pending.
            enqueue(new Waiter(exchange, false));
            connect();
            return;
        }
        if (!cluster.limits().tryReservePending()) {
            cluster.stats().overflow();
            exchange.onUpstreamFailure(UpstreamFailure.OVERFLOW);
            return;
        }
        enqueue(new Waiter(exchange, true));
        if (connecting == 0) {
            connectIfAllowed();
            if (connecting == 0) {
                // At the limit: a connection idle on another loop may hold the slot.
                cluster.askForIdleConnections(this);
            }
        }
    }

    @Override
    public void cancel(UpstreamExchange exchange) {
        for (var it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.exchange() == exchange) {
                it.remove();
                waiterCount = waiters.size();
                w.releasePending(cluster);
                return;
            }
        }
    }

    private void enqueue(Waiter w) {
        waiters.addLast(w);
        waiterCount = waiters.size();
    }

    dev.outrigger.sidecar.snapshot.Http2Settings http2Settings() {
        return cluster.config().http2();
    }

    int maxRequestsPerConnection() {
        return cluster.config().pool().maxRequestsPerConnection();
    }

    long idleTimeoutNanos() {
        return cluster.config().pool().idleTimeout().toNanos();
    }

    /** A stream finished or the endpoint raised its stream limit: give waiting requests their streams. */
    void capacityAvailable() {
        Http2UpstreamConnection c;
        while (!waiters.isEmpty() && (c = withCapacity()) != null) {
            UpstreamExchange w = pollWaiter();
            c.openStream(w);
        }
        if (!waiters.isEmpty() && connecting == 0) {
            connectIfAllowed();
        }
        countIdle();
        if (!waiters.isEmpty() && connecting == 0) {
            // No connection could be started here: one idle on another loop may hold the slot.
            cluster.askForIdleConnections(this);
        }
    }

    private UpstreamExchange pollWaiter() {
        Waiter w = waiters.pollFirst();
        waiterCount = waiters.size();
        w.releasePending(cluster);
        return w.exchange();
    }

    /** A request waiting for a stream; {@code pending} if it holds one of the cluster's pending slots. */
    private record Waiter(UpstreamExchange exchange, boolean pending) {
        void releasePending(UpstreamCluster cluster) {
            if (pending) {
                cluster.limits().releasePending();
            }
        }
    }

    private void countIdle() {
        int n = 0;
        for (int i = 0; i < connections.size(); i++) {
            if (connections.get(i).isIdle()) {
                n++;
            }
        }
        idleCount = n;
    }

    /** {@code c} has the endpoint's SETTINGS: it may carry streams now. */
    void connectionReady(Http2UpstreamConnection c) {
        connecting--;
        capacityAvailable();
    }

    void connectionGoingAway(Http2UpstreamConnection c) {
        connections.remove(c);
        capacityAvailable();
    }

    void connectionClosed(Http2UpstreamConnection c) {
        connections.remove(c);
        cluster.limits().releaseConnection(endpoint);
        cluster.stats().connectionClosed();
        if (!c.isReady()) {
            // It closed (or timed out) before the endpoint's SETTINGS: not an HTTP/2 endpoint, or
            // a broken one. A failed connect, not a reason to reconnect at once in a loop.
            connecting--;
            endpoint.connectFailed();
            cluster.stats().connectFailed();
            failWaiters(c.settingsTimedOut() ? UpstreamFailure.CONNECT_TIMEOUT : UpstreamFailure.CONNECT_FAILURE);
        } else {
            capacityAvailable();
        }
        cluster.capacityFreed(this);
    }

    private void failWaiters(UpstreamFailure failure) {
        while (!waiters.isEmpty()) {
            pollWaiter().onUpstreamFailure(failure);
        }
    }

    /** Whether requests on another loop wait for a connection slot this pool could give up. */
    boolean othersWaitForASlot() {
        return cluster.hasWaitersElsewhere(this);
    }

    long connectTimeoutNanos() {
        return cluster.config().connectTimeout().toNanos();
    }

    @Override
    public void retire() {
        retired = true;
        closeAllIdle();
    }

    /** Whether the endpoint left its cluster: a connection that becomes idle closes. */
    boolean isRetired() {
        return retired;
    }

    @Override
    public void closeAllIdle() {
        for (Http2UpstreamConnection c : List.copyOf(connections)) {
            if (c.isIdle()) {
                c.close();
            }
        }
    }

    @Override
    public void closeOneIdle() {
        for (Http2UpstreamConnection c : connections) {
            if (c.isIdle()) {
                c.close();
                return;
            }
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
    public void serveWaiters() {
        if (!waiters.isEmpty() && connecting == 0) {
            connectIfAllowed();
        }
    }

    private Http2UpstreamConnection withCapacity() {
        for (int i = 0; i < connections.size(); i++) {
            Http2UpstreamConnection c = connections.get(i);
            if (c.hasCapacity()) {
                return c;
            }
        }
        return null;
    }

    private void connectIfAllowed() {
        if (!cluster.limits().tryReserveConnection(endpoint)) {
            // Waiters stay queued; a closing connection anywhere in the cluster wakes this pool.
            return;
        }
        connect();
    }

    /** Opens a connection whose slot is already reserved. */
    private void connect() {
        connecting++;
        ChannelFuture f = bootstrap.connect(endpoint.address());
        f.addListener(done -> {
            if (done.isSuccess()) {
                endpoint.connectionOpened();
                cluster.stats().connectionOpened();
                // Still connecting until the endpoint's SETTINGS say how many streams it allows: a
                // stream opened before that may exceed its limit and be refused (connectionReady).
                connections.add(f.channel().pipeline().get(Http2UpstreamConnection.class));
            } else {
                connecting--;
                cluster.limits().releaseConnection(endpoint);
                endpoint.connectFailed();
                cluster.stats().connectFailed();
                UpstreamFailure failure = done.cause() instanceof ConnectTimeoutException
                        ? UpstreamFailure.CONNECT_TIMEOUT : UpstreamFailure.CONNECT_FAILURE;
                // Everyone waiting was counting on this connection.
                failWaiters(failure);
            }
        });
    }
}
