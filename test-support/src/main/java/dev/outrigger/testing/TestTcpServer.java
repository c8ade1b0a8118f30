package dev.outrigger.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP server on 127.0.0.1 (ephemeral port) for tests of byte-level proxying. It allows
 * half-closed connections and counts what happens to them. Modes:
 * <ul>
 *   <li>{@link #echo}: writes back every byte as it arrives, reading only as fast as it can
 *       write; when the client ends its output, it closes after the last byte is written.
 *   <li>{@link #banner}: writes a banner as soon as it accepts (a server that speaks first),
 *       then echoes.
 *   <li>{@link #replyOnEnd}: says nothing until the client ends its output, then writes back
 *       everything received (at most {@link #KEPT_BYTES}), prefixed by {@code reply:}, and closes.
 *   <li>{@link #speakThenListen}: writes a text on accept and ends its output (half-closes), then
 *       only counts what it receives, and closes when the client ends its output.
 * </ul>
 */
public final class TestTcpServer implements AutoCloseable {

    /** How many received bytes {@link #replyOnEnd} keeps per connection. */
    public static final int KEPT_BYTES = 1 << 20;

    private enum Mode { ECHO, BANNER, REPLY_ON_END, SPEAK_THEN_LISTEN }

    private final Mode mode;
    private final byte[] banner;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger inputEnded = new AtomicInteger();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final List<Channel> children = new ArrayList<>();
    private final Channel server;

    private TestTcpServer(Mode mode, String banner) throws InterruptedException {
        this.mode = mode;
        this.banner = banner.getBytes(StandardCharsets.UTF_8);
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        synchronized (children) {
                            children.add(ch);
                        }
                        ch.closeFuture().addListener(f -> closed.incrementAndGet());
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** A server that echoes. */
    public static TestTcpServer echo() {
        return start(Mode.ECHO, "");
    }

    /** A server that sends {@code banner} on accept, then echoes. */
    public static TestTcpServer banner(String banner) {
        return start(Mode.BANNER, banner);
    }

    /** A server that answers {@code reply:} and what it received once the client ends its output, then closes. */
    public static TestTcpServer replyOnEnd() {
        return start(Mode.REPLY_ON_END, "");
    }

    /** A server that sends {@code text}, shuts down its output, and then only listens. */
    public static TestTcpServer speakThenListen(String text) {
        return start(Mode.SPEAK_THEN_LISTEN, text);
    }

    private static TestTcpServer start(Mode mode, String banner) {
        try {
            return new TestTcpServer(mode, banner);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Accepted connections that have closed so far. */
    public int connectionsClosed() {
        return closed.get();
    }

    /** Connections whose client ended its output (half-closed) so far. */
    public int inputsEnded() {
        return inputEnded.get();
    }

    /** Bytes received over all connections. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Waits until {@code n} connections have closed. */
    public void awaitClosed(int n, Duration timeout) throws TimeoutException {
        Await.until(n + " connection(s) closed", timeout, () -> closed.get() >= n);
    }

    /** Waits until {@code n} connections have been accepted. */
    public void awaitAccepted(int n, Duration timeout) throws TimeoutException {
        Await.until(n + " connection(s) accepted", timeout, () -> accepted.get() >= n);
    }

    /** Closes every accepted connection (the listening socket stays). */
    public void dropConnections() {
        List<Channel> copy;
        synchronized (children) {
            copy = List.copyOf(children);
        }
        copy.forEach(Channel::close);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (mode == Mode.BANNER) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(banner));
            } else if (mode == Mode.SPEAK_THEN_LISTEN) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(banner))
                        .addListener(f -> ((SocketChannel) ctx.channel()).shutdownOutput());
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            bytesReceived.addAndGet(buf.readableBytes());
            if (mode == Mode.SPEAK_THEN_LISTEN) {
                buf.release();
                return;
            }
            if (mode == Mode.REPLY_ON_END) {
                int keep = Math.min(buf.readableBytes(), Math.max(0, KEPT_BYTES - kept.size()));
                byte[] bytes = new byte[keep];
                buf.readBytes(bytes);
                kept.writeBytes(bytes);
                buf.release();
                return;
            }
            ctx.write(buf);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (writesBack() && !ctx.channel().isWritable()) {
                // Read no faster than the client takes the echo back.
                ctx.channel().config().setAutoRead(false);
            }
        }

        /** Whether this mode writes back as it reads (and so reads no faster than it can write). */
        private boolean writesBack() {
            return mode == Mode.ECHO || mode == Mode.BANNER;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputEnded.incrementAndGet();
                ByteBuf last = mode == Mode.REPLY_ON_END
                        ? Unpooled.wrappedBuffer("reply:".getBytes(StandardCharsets.UTF_8), kept.toByteArray())
                        : Unpooled.EMPTY_BUFFER;
                ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
