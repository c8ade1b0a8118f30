package dev.outrigger.sidecar.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.TestTcpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay as a tunnel would use it: a front handler that has already read some bytes (as an
 * HTTP handler would before an Upgrade) connects an upstream on its own event loop, splices the
 * two channels, and fires the bytes it held into its pipeline.
 */
class ByteRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts bytes both ways. */
    private static final class Counter implements ByteRelay.ByteCounter {
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();

        @Override
        public void toUpstream(int bytes) {
            up.addAndGet(bytes);
        }

        @Override
        public void toDownstream(int bytes) {
            down.addAndGet(bytes);
        }
    }

    /** Reads once, keeps what it got, connects upstream, splices, then fires the kept bytes. */
    private final class Front extends ChannelInboundHandlerAdapter {
        private final int upstreamPort;
        private final Counter counter;
        private final AtomicInteger closedCalls;
        private final Duration idle;
        private boolean spliced;

        Front(int upstreamPort, Counter counter, AtomicInteger closedCalls, Duration idle) {
            this.upstreamPort = upstreamPort;
            this.counter = counter;
            this.closedCalls = closedCalls;
            this.idle = idle;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (spliced) {
                ctx.fireChannelRead(msg);
                return;
            }
            spliced = true;
            ByteBuf held = (ByteBuf) msg;
            ChannelFuture f = new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    })
                    .connect(new InetSocketAddress("127.0.0.1", upstreamPort));
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    held.release();
                    ctx.close();
                    return;
                }
                ByteRelay.splice(ctx.channel(), f.channel(), idle, counter, closedCalls::incrementAndGet);
                ctx.fireChannelRead(held);
                ctx.fireChannelReadComplete();
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (spliced) {
                ctx.fireChannelReadComplete();
            }
        }
    }

    private Channel tunnel(int upstreamPort, Counter counter, AtomicInteger closedCalls, Duration idle)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Front(upstreamPort, counter, closedCalls, idle));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static String read(InputStream in, int n) throws Exception {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    @Test
    void bytesReadBeforeTheSpliceAreRelayedFirstThenEverythingElse() throws Exception {
        Counter counter = new Counter();
        AtomicInteger closedCalls = new AtomicInteger();
        try (TestTcpServer echo = TestTcpServer.echo()) {
            Channel server = tunnel(echo.port(), counter, closedCalls, Duration.ZERO);
            try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("before".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("before", read(s.getInputStream(), 6));
                s.getOutputStream().write("after".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("after", read(s.getInputStream(), 5));
                s.shutdownOutput();
                assertEquals(-1, s.getInputStream().read(), "the echo ends when the client ends");
                Await.until("both channels closed", WAIT, () -> closedCalls.get() == 1);
                assertEquals(11, counter.up.get());
                assertEquals(11, counter.down.get());
                assertEquals(1, closedCalls.get(), "onClosed runs once");
            } finally {
                server.close().sync();
            }
        }
    }

    @Test
    void theIdleTimeoutClosesBothSides() throws Exception {
        AtomicInteger closedCalls = new AtomicInteger();
        try (TestTcpServer echo = TestTcpServer.echo()) {
            Channel server = tunnel(echo.port(), new Counter(), closedCalls, Duration.ofMillis(100));
            try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                s.setSoTimeout(10_000);
                long start = System.nanoTime();
                s.getOutputStream().write('x');
                assertEquals("x", read(s.getInputStream(), 1));
                assertEquals(-1, s.getInputStream().read(), "closed when idle");
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis >= 90, "not before the idle timeout: " + tookMillis + " ms");
                echo.awaitClosed(1, WAIT);
                Await.until("both channels closed", WAIT, () -> closedCalls.get() == 1);
            } finally {
                server.close().sync();
            }
        }
    }

    @Test
    void bothChannelsMustShareTheCallersEventLoop() throws Exception {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        assertThrows(IllegalArgumentException.class, () -> ByteRelay.splice(a, b, Duration.ZERO, null));
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();

        NioSocketChannel c = new NioSocketChannel();
        NioSocketChannel d = new NioSocketChannel();
        group.next().register(c).sync();
        group.next().register(d).sync();
        try {
            assertThrows(IllegalStateException.class, () -> ByteRelay.splice(c, d, Duration.ZERO, null),
                    "not on the event loop");
        } finally {
            c.close().sync();
            d.close().sync();
        }
    }
}
