package dev.outrigger.sidecar.admin;

import dev.outrigger.sidecar.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;

/**
 * The admin endpoint: readiness, metrics, config and cluster dumps, drain. It has its own
 * event-loop thread, so it answers even when the proxy's loops are saturated.
 */
public final class AdminServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code address}; throws if it cannot be bound. */
    public static AdminServer start(InetSocketAddress address, Transport transport, AdminBackend backend)
            throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1, "outrigger-admin");
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelClass())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(MAX_REQUEST_BYTES), new AdminHandler(backend));
                        }
                    })
                    .bind(address)
                    .sync()
                    .channel();
            return new AdminServer(group, ch);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound address (the real port when 0 was configured). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
