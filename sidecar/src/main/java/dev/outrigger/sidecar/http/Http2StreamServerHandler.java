package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One stream of a downstream HTTP/2 connection: one exchange. It sits in the stream's child
 * channel after the frame-to-HTTP-object codec, so the exchange sees the same objects as on
 * HTTP/1.1. Auto-read is off: the stream reads (and so reopens its flow-control window) only
 * when the exchange can forward more.
 */
final class Http2StreamServerHandler extends ChannelInboundHandlerAdapter implements Downstream {

    private final Http2ServerConnection connection;
    private ChannelHandlerContext ctx;
    private HttpExchange exchange;
    private boolean finished;
    private dev.outrigger.sidecar.transport.LazyTimer deadlineTimer;

    Http2StreamServerHandler(Http2ServerConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadlineTimer = new dev.outrigger.sidecar.transport.LazyTimer(ctx.executor(), () -> {
            if (exchange != null) {
                exchange.onTimerFired();
            }
        });
    }

    @Override
    public dev.outrigger.sidecar.transport.LazyTimer deadlineTimer() {
        return deadlineTimer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection.streamOpened(ctx.channel());
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
        } else if (exchange == null && msg instanceof HttpRequest request) {
            exchange = new HttpExchange(this, request);
            exchange.start();
        } else if (exchange != null && msg instanceof HttpContent content) {
            exchange.onRequestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null && !finished) {
            exchange.onDownstreamReadComplete();
        }
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onDownstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadlineTimer.stop();
        // The stream ended: normally, or reset by the client.
        HttpExchange ex = exchange;
        if (ex != null && !finished) {
            finished = true;
            ex.onDownstreamClosed();
        }
        connection.streamClosed(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            // The client reset the stream. Netty closes a stream's channel only once its queued frames
            // are read, and a request waiting for an upstream reads nothing: it would stay queued (and
            // be sent later) with its frames held. Closing now releases them and ends the exchange.
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public ChannelHandlerContext ctx() {
        return ctx;
    }

    @Override
    public ListenerContext listener() {
        return connection.listener();
    }

    @Override
    public HttpConnectionManagerConfig hcm() {
        return connection.hcm();
    }

    @Override
    public boolean isHttp2() {
        return true;
    }

    @Override
    public boolean isDraining() {
        return connection.isDraining();
    }

    @Override
    public String remoteIp() {
        return connection.remoteIp();
    }

    @Override
    public String remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public String localAddress() {
        return connection.localAddress();
    }

    @Override
    public void maybeRead() {
        if (!finished && (exchange == null || exchange.wantsRequestBody())) {
            ctx.read();
        }
    }

    @Override
    public void endUnfinishedRequest() {
        ctx.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(
                io.netty.handler.codec.http2.Http2Error.NO_ERROR));
    }

    @Override
    public void exchangeFinished(HttpExchange ex, boolean keepAlive) {
        // The stream ends with the response; the exchange closes (resets) it if the request was not done.
        finished = true;
    }
}
