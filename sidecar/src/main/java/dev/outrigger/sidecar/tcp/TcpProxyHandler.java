package dev.outrigger.sidecar.tcp;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.LbContext;
import dev.outrigger.sidecar.outlier.OutlierDetector;
import dev.outrigger.sidecar.downstream.Drainable;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream connection served by a TCP proxy: picks the cluster and endpoint, connects on
 * the connection's own event loop, then hands both channels to a {@link ByteRelay}. Bytes that
 * arrive while connecting are held and relayed first; the connection is not read meanwhile.
 *
 * <p>Draining leaves the connection alone, as Envoy does: a TCP stream has no request boundary
 * at which to stop it, so it runs until either side closes it or the drain deadline's
 * {@link #forceClose} comes.
 */
final class TcpProxyHandler extends ChannelInboundHandlerAdapter implements Drainable, ByteRelay.ByteCounter {

    private static final Logger log = LoggerFactory.getLogger(TcpProxyHandler.class);

    /** The same water marks as every other Outrigger connection. */

    /** The upstream pipeline starts empty; the relay adds its handler once connected. */
    private static final ChannelInitializer<Channel> NO_HANDLERS = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };

    private final ListenerContext listener;
    private final TcpProxyConfig config;
    private ChannelHandlerContext ctx;
    private UpstreamCluster cluster;
    /** The upstream channel from the connect attempt on; null before and after a failed attempt. */
    private Channel upstream;
    private ByteRelay relay;
    /** Bytes read before the upstream connected. */
    private ByteBuf held;
    private final int silentPort;
    private boolean anyBytes;
    private boolean closed;
    /** The access log entry in the making, or null when the proxy has no access log. */
    private TcpConnectionLog accessLog;

    /**
     * @param silentPort the port of a connection that detection classified as silent (the client
     *     waited for the server), or -1; if its client speaks first after all, the port leaves the
     *     listener's server-first cache, so one slow client does not send every later one here
     */
    TcpProxyHandler(ListenerContext listener, TcpProxyConfig config, int silentPort) {
        this.listener = listener;
        this.config = config;
        this.silentPort = silentPort;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        accessLog = TcpConnectionLog.start(listener.accessLogs(config), listener.config().name());
        listener.opened(this);
        // Set before the first read: with it off, the client's end of output would close the connection.
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        connect();
        ctx.fireChannelActive();
    }

    /** The client's address hashed for ring hash and Maglev clusters ({@code hash_policy: source_ip}). */
    private LbContext sourceIpHash() {
        java.net.SocketAddress peer = ctx.channel().remoteAddress();
        String ip = peer instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(peer);
        long hash = dev.outrigger.sidecar.cluster.XxHash64.hash(ip);
        return new LbContext() {
            @Override
            public boolean hasHash() {
                return true;
            }

            @Override
            public long hash() {
                return hash;
            }
        };
    }

    private void connect() {
        String name = pickCluster(config.clusters(), ThreadLocalRandom.current());
        UpstreamCluster c = name == null ? null : listener.clusters().get(name);
        if (c == null) {
            fail("cluster_not_found");
            return;
        }
        EndpointState endpoint = c.loadBalancer().choose(config.hashSourceIp() ? sourceIpHash() : LbContext.NONE);
        if (accessLog != null) {
            accessLog.routedTo(name, endpoint == null ? null : endpoint.hostPort());
        }
        if (endpoint == null) {
            fail("no_healthy_upstream");
            return;
        }
        if (!c.tryReserveConnectionSlot(endpoint)) {
            c.stats().overflow();
            fail("upstream_overflow");
            return;
        }
        cluster = c;
        ChannelFuture f = c.bootstrap(ctx.channel().eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(c.config().tls() == null ? NO_HANDLERS : new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        c.addTls(ch, endpoint); // mTLS to the peer; the relay's bytes go inside it
                    }
                })
                .connect(endpoint.address());
        upstream = f.channel();
        f.addListener(done -> connected(f, c, endpoint));
    }

    private void connected(ChannelFuture f, UpstreamCluster c, EndpointState endpoint) {
        if (!f.isSuccess()) {
            // No channelInactive comes for a channel that never connected: free the slot here.
            upstream = null;
            c.releaseConnectionSlot(endpoint);
            if (closed) {
                return; // the client left first and the attempt was abandoned
            }
            endpoint.connectFailed();
            c.stats().connectFailed();
            if (c.outlierDetector() != null) {
                c.outlierDetector().record(endpoint, OutlierDetector.CONNECT_FAILED);
            }
            fail(f.cause() instanceof ConnectTimeoutException ? "upstream_connect_timeout" : "upstream_connect_failure");
            return;
        }
        Channel up = f.channel();
        endpoint.connectionOpened();
        c.stats().connectionOpened();
        if (c.outlierDetector() != null) {
            c.outlierDetector().record(endpoint, OutlierDetector.CONNECTED_FINAL);
        }
        up.closeFuture().addListener(x -> {
            c.stats().connectionClosed();
            c.releaseConnectionSlot(endpoint);
        });
        if (closed) {
            up.close();
            return;
        }
        relay = ByteRelay.splice(ctx.channel(), up, config.idleTimeout(), this, null);
        ByteBuf bytes = held;
        held = null;
        if (bytes != null) {
            ctx.fireChannelRead(bytes);
            ctx.fireChannelReadComplete();
        }
    }

    private void fail(String reason) {
        listener.stats().localError(reason);
        if (accessLog != null) {
            accessLog.failed(reason);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (relay != null) {
            ctx.fireChannelRead(msg);
        } else if (closed || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
        } else {
            hold(buf);
        }
    }

    /** Keeps {@code buf} until connected; more than one piece (bytes from detection, then a read) are chained, not copied. */
    private void hold(ByteBuf buf) {
        if (held == null) {
            held = buf;
            return;
        }
        CompositeByteBuf all = held instanceof CompositeByteBuf c ? c
                : ctx.alloc().compositeBuffer().addComponent(true, held);
        held = all.addComponent(true, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relay != null) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (relay == null && (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete)) {
            return; // the relay sees the ended input when it starts, after the held bytes
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (held != null) {
            held.release();
            held = null;
        }
        if (relay == null && upstream != null) {
            upstream.close(); // abandons the connect attempt, or closes a connection not yet relayed
        }
        listener.closed(this);
        if (accessLog != null) {
            accessLog.closed(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (relay != null) {
            ctx.fireExceptionCaught(cause);
        } else {
            log.debug("downstream connection {} error", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    @Override
    public void drain() {
        // Nothing to finish early: the connection runs until it ends or the drain deadline.
    }

    @Override
    public io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    @Override
    public void forceClose() {
        ctx.executor().execute(() -> {
            if (relay != null) {
                relay.close();
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void toUpstream(int bytes) {
        if (!anyBytes) {
            anyBytes = true;
            if (silentPort >= 0 && listener.serverFirstPorts().remove(silentPort)) {
                log.info("listener '{}': port {} is not server-first after all (the client spoke first); "
                        + "detecting again", listener.config().name(), silentPort);
            }
        }
        cluster.stats().bytesSent(bytes);
        if (accessLog != null) {
            accessLog.received(bytes);
        }
    }

    @Override
    public void toDownstream(int bytes) {
        anyBytes = true;
        cluster.stats().bytesReceived(bytes);
        if (accessLog != null) {
            accessLog.sent(bytes);
        }
    }

    /**
     * The cluster for a new connection: the only one, or one of the weighted clusters at random
     * in proportion to its weight, as {@code weighted_clusters} does in Envoy; null when all
     * weights are zero.
     */
    static String pickCluster(List<ClusterWeight> clusters, RandomGenerator random) {
        if (clusters.size() == 1) {
            return clusters.get(0).name();
        }
        long total = 0;
        for (int i = 0; i < clusters.size(); i++) {
            total += clusters.get(i).weight();
        }
        if (total <= 0) {
            return null;
        }
        long point = random.nextLong(total);
        long end = 0;
        for (int i = 0; i < clusters.size(); i++) {
            end += clusters.get(i).weight();
            if (point < end) {
                return clusters.get(i).name();
            }
        }
        throw new IllegalStateException("random value " + point + " is not below the total weight " + total);
    }
}
