package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Real TLS handshakes between a Netty server and client over loopback, reporting what each end saw. */
final class TlsLoopback implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /**
     * What one end saw: its handshake's failure (null if it succeeded), the peer's ID, ALPN and
     * TLS version after a success, and every exception on the channel (alerts received after a
     * TLS 1.3 client's handshake has completed arrive there).
     */
    record End(Throwable failure, Optional<SpiffeId> peer, String alpn, String protocol, List<Throwable> errors) {
        boolean succeeded() {
            return failure == null;
        }

        /** The reason {@link HandshakeFailures} gives; "" after a success. */
        String reason() {
            return failure == null ? "" : HandshakeFailures.reason(failure);
        }

        /** Every message of every exception on the channel, cause chains included. */
        String allMessages() {
            return errors.stream().flatMap(t -> {
                java.util.stream.Stream.Builder<String> b = java.util.stream.Stream.builder();
                for (Throwable c = t; c != null; c = c.getCause()) {
                    b.add(String.valueOf(c.getMessage()));
                }
                return b.build();
            }).collect(Collectors.joining(" | "));
        }
    }

    /** Both ends of one handshake. */
    record Outcome(End server, End client) {
    }

    /** Records a channel's exceptions, so that none reaches the pipeline's tail as a warning. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    private record Side(Channel channel, SslHandler handler, Recorder recorder) {
    }

    /** Connects a client with {@code client} to a fresh server with {@code server} and waits for both handshakes. */
    Outcome handshake(SslContext server, SslContext client) throws Exception {
        CompletableFuture<Side> serverSide = new CompletableFuture<>();
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(initializer(server, null, serverSide))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CompletableFuture<Side> clientSide = new CompletableFuture<>();
        try {
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(initializer(client, address, clientSide))
                    .connect(address).sync();
            Side s = serverSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Side c = clientSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Future<Channel> serverHandshake = awaitHandshake(s);
            Future<Channel> clientHandshake = awaitHandshake(c);
            // Read the sessions now: once a channel closes, an OpenSSL engine's session is gone.
            End serverEnd = end(s, serverHandshake);
            End clientEnd = end(c, clientHandshake);
            if (!serverHandshake.isSuccess() || !clientHandshake.isSuccess()) {
                // The refused end closes; wait for the other to read the alert and close too.
                assertTrue(c.channel().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "client did not close");
                assertTrue(s.channel().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "server did not close");
            }
            c.channel().close().sync();
            s.channel().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Outcome(serverEnd, clientEnd);
        } finally {
            listener.close().sync();
        }
    }

    private static ChannelInitializer<SocketChannel> initializer(SslContext context, InetSocketAddress peer,
            CompletableFuture<Side> side) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                SslHandler handler = peer == null ? context.newHandler(ch.alloc())
                        : context.newHandler(ch.alloc(), peer.getHostString(), peer.getPort());
                Recorder recorder = new Recorder();
                ch.pipeline().addLast(handler, recorder);
                side.complete(new Side(ch, handler, recorder));
            }
        };
    }

    private static Future<Channel> awaitHandshake(Side side) throws InterruptedException {
        Future<Channel> handshake = side.handler().handshakeFuture();
        assertTrue(handshake.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "handshake did not finish");
        return handshake;
    }

    private static End end(Side side, Future<Channel> handshake) {
        if (!handshake.isSuccess()) {
            return new End(handshake.cause(), Optional.empty(), null, null, side.recorder().errors);
        }
        return new End(null, PeerIdentity.of(side.handler().engine().getSession()), side.handler().applicationProtocol(),
                side.handler().engine().getSession().getProtocol(), side.recorder().errors);
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).sync();
    }
}
