package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.Drainable;
import dev.outrigger.sidecar.downstream.ListenerContext;
import io.netty.channel.Channel;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * {@code codec_type: AUTO} on a connection nobody inspected: the first bytes decide. The HTTP/2
 * connection preface means HTTP/2 (prior knowledge); anything else is HTTP/1.1, which may still
 * ask for {@code Upgrade: h2c}. The sniffer installs the right handlers after itself and leaves;
 * the bytes it held go on to them.
 */
final class Http2PrefaceSniffer extends ByteToMessageDecoder implements Drainable {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ListenerContext listener;
    private final HttpConnectionManagerConfig hcm;

    Http2PrefaceSniffer(ListenerContext listener, HttpConnectionManagerConfig hcm) {
        this.listener = listener;
        this.hcm = hcm;
    }

    private ChannelHandlerContext ctx;
    private boolean decided;
    private io.netty.util.concurrent.ScheduledFuture<?> idleTimer;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        listener.opened(this);
        long idle = hcm.idleTimeout().toNanos();
        if (idle > 0) {
            // A client that says nothing holds a connection: the listener's idle timeout ends it.
            idleTimer = ctx.executor().schedule(() -> {
                if (!decided) {
                    ctx.close();
                }
            }, idle, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (!decided) {
            listener.closed(this);
        }
        super.channelInactive(ctx);
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void drain() {
        // No request has started before the first bytes: close.
        ctx.executor().execute(() -> {
            if (!decided) {
                ctx.close();
            }
        });
    }

    @Override
    public void forceClose() {
        ctx.channel().close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean prefix = in.slice(in.readerIndex(), n).equals(PREFACE.slice(0, n));
        if (prefix && n < PREFACE.readableBytes()) {
            return; // could still be the preface: wait for more
        }
        decided = true;
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        listener.handOff(this);
        if (prefix) {
            HttpChainInstaller.addHttp2After(ctx.pipeline(), ctx.name(), listener, hcm);
        } else {
            HttpChainInstaller.addHttp1After(ctx.pipeline(), ctx.name(), listener, hcm, true);
        }
        // Leaving hands the bytes read so far to the handlers just installed.
        ctx.pipeline().remove(this);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // The client left before saying which HTTP it speaks.
        in.skipBytes(in.readableBytes());
    }
}
