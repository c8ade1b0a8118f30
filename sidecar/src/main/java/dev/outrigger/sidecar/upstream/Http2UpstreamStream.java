package dev.outrigger.sidecar.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream to an endpoint, for one exchange: the last handler of the stream's child
 * channel, after the frame-to-HTTP-object codec. Its flow-control window is its own: reading
 * it slowly holds back only this stream.
 */
final class Http2UpstreamStream extends ChannelInboundHandlerAdapter implements UpstreamStream {

    private static final Logger log = LoggerFactory.getLogger(Http2UpstreamStream.class);

    private final Http2UpstreamConnection connection;
    private Channel channel;
    private UpstreamExchange exchange;
    private boolean released;

    Http2UpstreamStream(Http2UpstreamConnection connection, UpstreamExchange exchange) {
        this.connection = connection;
        this.exchange = exchange;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    @Override
    public void write(Object message) {
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void read() {
        channel.read();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void release(boolean reusable) {
        // A stream is never reused: closing resets it if it is not finished both ways.
        exchange = null;
        channel.close();
        released();
    }

    @Override
    public void abort() {
        exchange = null;
        channel.close();
        released();
    }

    @Override
    public String remoteAddress() {
        return connection.pool().endpoint().hostPort();
    }

    @Override
    public boolean isHttp2() {
        return true;
    }

    private void released() {
        if (!released) {
            released = true;
            connection.streamClosed();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamExchange owner = exchange;
        if (owner == null || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        owner.onResponse((HttpObject) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamExchange owner = exchange;
        if (owner != null) {
            owner.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamExchange owner = exchange;
        if (owner != null) {
            owner.onUpstreamWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamExchange owner = exchange;
        exchange = null;
        released();
        if (owner != null) {
            owner.onUpstreamClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.handler.codec.http2.Http2ResetFrame) {
            // The endpoint reset the stream. Netty would close the channel only once the frames
            // queued in it are read, which waits while the client is slow: end the exchange now.
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("upstream stream to {} failed", remoteAddress(), cause);
        ctx.close();
    }
}
