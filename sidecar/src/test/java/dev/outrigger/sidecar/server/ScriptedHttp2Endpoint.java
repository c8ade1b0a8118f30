package dev.outrigger.sidecar.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw HTTP/2 endpoint (prior knowledge, Netty's frame codec) that misbehaves on cue, by the
 * request's path:
 * <ul>
 *   <li>{@code /hold}: answered {@code 200 held} only when {@link #releaseHeld()} is called;
 *   <li>{@code /reset}: RST_STREAM as soon as the request head arrives, before any response;
 *   <li>{@code /grpc-reset}: a gRPC response head and one empty message at once, then RST_STREAM
 *       when the request ends;
 *   <li>anything else: {@code 200} with the body {@code PATH on N}, N counting connections from 1.
 * </ul>
 * {@link #goAway()} says GOAWAY on every connection.
 */
final class ScriptedHttp2Endpoint implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong pings = new AtomicLong();
    // Touched on the endpoint's single event loop only.
    private final List<Channel> connections = new ArrayList<>();
    private final List<ChannelHandlerContext> held = new ArrayList<>();
    private final List<CompletableFuture<Void>> pingAcks = new ArrayList<>();
    private final Channel server;

    ScriptedHttp2Endpoint() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = accepted.incrementAndGet();
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> closed.incrementAndGet());
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new StreamHandler(id));
                            }
                        }));
                        ch.pipeline().addLast(new PingAcks());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    int connectionsClosed() {
        return closed.get();
    }

    /** Request heads received so far. */
    int requests() {
        return requests.get();
    }

    /** Answers the requests held so far. */
    void releaseHeld() {
        group.next().execute(() -> {
            for (ChannelHandlerContext ctx : held) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(
                        Unpooled.copiedBuffer("held", StandardCharsets.UTF_8), true));
            }
            held.clear();
        });
    }

    /**
     * Sends GOAWAY (NO_ERROR, streams already open may finish) on every open connection, then a
     * PING. Completes when every PING is acknowledged: the peer reads frames in order, so it
     * has read the GOAWAY by then.
     */
    CompletableFuture<Void> goAway() throws Exception {
        return group.next().submit(() -> {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (Channel ch : connections) {
                if (ch.isActive()) {
                    CompletableFuture<Void> ack = new CompletableFuture<>();
                    pingAcks.add(ack);
                    acks.add(ack);
                    ch.write(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                    ch.writeAndFlush(new DefaultHttp2PingFrame(pings.incrementAndGet()));
                }
            }
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        }).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Completes a pending {@link #goAway()} as the PING acknowledgements come back. */
    private final class PingAcks extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2PingFrame ping && ping.ack() && !pingAcks.isEmpty()) {
                pingAcks.remove(0).complete(null);
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /** One request stream. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final int connection;
        private String path;

        StreamHandler(int connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h && path == null) {
                    requests.incrementAndGet();
                    path = h.headers().path().toString();
                    onRequestHead(ctx);
                }
                boolean ended = msg instanceof Http2HeadersFrame h ? h.isEndStream()
                        : msg instanceof Http2DataFrame d && d.isEndStream();
                if (ended && path.equals("/grpc-reset")) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onRequestHead(ChannelHandlerContext ctx) {
            switch (path) {
                case "/hold" -> held.add(ctx);
                case "/reset" -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                case "/grpc-reset" -> {
                    Http2Headers head = new DefaultHttp2Headers().status("200").add("content-type", "application/grpc");
                    ctx.write(new DefaultHttp2HeadersFrame(head));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[5]), false));
                }
                default -> {
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(
                            Unpooled.copiedBuffer(path + " on " + connection, StandardCharsets.UTF_8), true));
                }
            }
        }
    }
}
