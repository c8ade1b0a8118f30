package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.Drainable;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.transport.Http2Codecs;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One downstream HTTP/2 connection: the last handler of its pipeline, after the frame codec and
 * the multiplexer that gives each stream its own child channel and {@link Http2StreamServerHandler}.
 * It registers the connection for draining, counts its streams, and drains with GOAWAY: streams
 * already open finish, then the connection closes.
 *
 * <p>The parent channel reads continuously: backpressure is per stream, through each stream's
 * flow-control window, which a stream's handler only reopens as it forwards what it read.
 */
final class Http2ServerConnection extends ChannelInboundHandlerAdapter implements Drainable {

    private final ListenerContext listener;
    private final HttpConnectionManagerConfig hcm;
    private ChannelHandlerContext ctx;
    /** The channels of the open streams (this loop only). */
    private final Set<Channel> streams = new HashSet<>();
    private boolean draining;
    private boolean registered;
    private ScheduledFuture<?> idleTimer;
    private String remoteIp;
    private String remoteAddress;
    private String localAddress;

    Http2ServerConnection(ListenerContext listener, HttpConnectionManagerConfig hcm) {
        this.listener = listener;
        this.hcm = hcm;
    }

    ListenerContext listener() {
        return listener;
    }

    HttpConnectionManagerConfig hcm() {
        return hcm;
    }

    boolean isDraining() {
        return draining || listener.isDraining();
    }

    String remoteIp() {
        return remoteIp;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    String localAddress() {
        return localAddress;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Installed after an h2c upgrade or a preface sniff, the channel may be active already.
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (registered) {
            return;
        }
        registered = true;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            remoteIp = remote.getAddress().getHostAddress();
            remoteAddress = hostPort(remote);
        }
        if (ctx.channel().localAddress() instanceof InetSocketAddress local) {
            localAddress = hostPort(local);
        }
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        Http2Codecs.raiseConnectionWindow(codec, hcm.http2());
        ctx.flush();
        // Frames of every stream arrive on this socket: it is read all the time.
        ctx.channel().config().setAutoRead(true);
        ctx.read();
        listener.opened(this);
        armIdleTimer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Connection-level frames (SETTINGS, PING, GOAWAY) are handled by the codec already.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        // Netty keeps a stream's channel open after its connection closed as long as it holds unread
        // frames (a request body waiting for an upstream): close them, or their exchanges would go on
        // (and go upstream) for a client that left, and their frames would never be released.
        for (Channel stream : List.copyOf(streams)) {
            stream.close();
        }
        listener.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    void streamOpened(Channel stream) {
        streams.add(stream);
        cancelIdleTimer();
    }

    void streamClosed(Channel stream) {
        streams.remove(stream);
        if (streams.isEmpty()) {
            if (isDraining()) {
                ctx.close();
            } else {
                armIdleTimer();
            }
        }
    }

    @Override
    public void drain() {
        ctx.executor().execute(() -> {
            if (draining) {
                return;
            }
            draining = true;
            // GOAWAY names the last stream we will serve; the client opens no more here.
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            if (streams.isEmpty()) {
                ctx.close();
            }
        });
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void forceClose() {
        ctx.channel().close();
    }

    private void armIdleTimer() {
        long nanos = hcm.idleTimeout().toNanos();
        if (nanos > 0 && idleTimer == null) {
            idleTimer = ctx.executor().schedule(() -> {
                idleTimer = null;
                if (streams.isEmpty()) {
                    ctx.close();
                }
            }, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
