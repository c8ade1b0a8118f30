package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.Drainable;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.transport.LazyTimer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream HTTP/1.1 connection. It runs one exchange at a time, so responses leave in
 * request order; requests pipelined behind it wait, already decoded, in a small queue.
 *
 * <p>Auto-read is off. The connection reads when it is idle, or when the current exchange wants
 * more request body and its upstream connection has room; that is the whole of backpressure
 * towards the client. Everything here runs on the connection's event loop.
 */
final class Http1ServerHandler extends ChannelInboundHandlerAdapter implements Drainable, Downstream {

    private static final Logger log = LoggerFactory.getLogger(Http1ServerHandler.class);

    private final ListenerContext listener;
    private final HttpConnectionManagerConfig hcm;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;
    private HttpExchange current;
    private LazyTimer idleTimer;
    private LazyTimer deadlineTimer;
    private boolean draining;
    private boolean closed;
    private boolean started;
    private boolean tunnel;
    private boolean sawRequest;
    private Http1ServerCodec.ResponseEncoder encoder;
    private String remoteIp;
    private String remoteAddress;
    private String localAddress;

    Http1ServerHandler(ListenerContext listener, HttpConnectionManagerConfig hcm) {
        this.listener = listener;
        this.hcm = hcm;
    }

    @Override
    public HttpConnectionManagerConfig hcm() {
        return hcm;
    }

    @Override
    public ListenerContext listener() {
        return listener;
    }

    @Override
    public ChannelHandlerContext ctx() {
        return ctx;
    }

    /** True once draining: the current response (if any) is the last on this connection. */
    @Override
    public boolean isHttp2() {
        return false;
    }

    @Override
    public boolean isDraining() {
        return draining || listener.isDraining();
    }

    /** The client's IP address. */
    @Override
    public String remoteIp() {
        return remoteIp;
    }

    /** The client's {@code ip:port}. */
    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** This side's {@code ip:port}. */
    @Override
    public String localAddress() {
        return localAddress;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.encoder = Http1ServerCodec.encoderOf(ctx.pipeline());
        this.idleTimer = new LazyTimer(ctx.executor(), () -> {
            if (current == null) {
                ctx.close();
            }
        });
        this.deadlineTimer = new LazyTimer(ctx.executor(), () -> {
            if (current != null) {
                current.onTimerFired();
            }
        });
        // Installed after the first bytes were sniffed, the channel is active already.
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
            // The client switched to HTTP/2 (Upgrade: h2c): the HTTP/2 handlers own the connection now.
            cancelIdleTimer();
            listener.handOff(this);
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    /** Registers the connection and starts reading; runs once, at channelActive or when added to an active channel. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            remoteIp = inet.getAddress().getHostAddress();
            remoteAddress = hostPort(inet);
        }
        if (ctx.channel().localAddress() instanceof InetSocketAddress inet) {
            localAddress = hostPort(inet);
        }
        listener.opened(this);
        armIdleTimer();
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        idleTimer.stop();
        deadlineTimer.stop();
        HttpExchange ex = current;
        current = null;
        if (ex != null) {
            ex.onDownstreamClosed();
        }
        for (Object m; (m = queued.poll()) != null; ) {
            ReferenceCountUtil.release(m);
        }
        listener.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closed) {
            ReferenceCountUtil.release(msg);
        } else if (!queued.isEmpty() || (current != null && current.isRequestComplete())) {
            // A pipelined request: it waits until the current response is done.
            queued.add(msg);
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (tunnel) {
            ctx.fireChannelReadComplete();
            return;
        }
        if (current != null) {
            current.onDownstreamReadComplete();
        }
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!tunnel && current != null) {
            current.onDownstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tunnel) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        log.debug("downstream connection {} error", remoteAddress, cause);
        ctx.close();
    }

    /** Reads more from the client if the connection is idle or the current exchange wants body. */
    @Override
    public void maybeRead() {
        if (closed) {
            return;
        }
        if (current == null ? queued.isEmpty() && !isDraining() : current.wantsRequestBody()) {
            ctx.read();
        }
    }

    /** The current exchange has written its last response byte. */
    @Override
    public void exchangeFinished(HttpExchange exchange, boolean keepAlive) {
        if (current != exchange) {
            return;
        }
        current = null;
        if (!keepAlive || closed) {
            // The exchange closes the connection once its response is flushed.
            closed = true;
            for (Object m; (m = queued.poll()) != null; ) {
                ReferenceCountUtil.release(m);
            }
            return;
        }
        Object m;
        while ((m = queued.peek()) != null && (current == null || !current.isRequestComplete())) {
            queued.poll();
            dispatch(m);
        }
        if (current == null) {
            armIdleTimer();
        } else {
            // Queued body was written upstream outside a downstream read: flush it now.
            current.onDownstreamReadComplete();
        }
        maybeRead();
    }

    @Override
    public void drain() {
        ctx.executor().execute(() -> {
            draining = true;
            // A tunnel has no request boundary to stop at: it runs until it ends or the deadline.
            if (current == null && !tunnel) {
                ctx.close();
            }
        });
    }

    /**
     * After a {@code 101 Switching Protocols}: the connection leaves HTTP. This handler then
     * passes everything through to the byte relay that follows it; it stays only to keep the
     * connection in the listener's drain set.
     */
    void enterTunnel() {
        tunnel = true;
        current = null;
        cancelIdleTimer();
        if (!queued.isEmpty()) {
            // Bytes after an upgrade request, decoded as HTTP: the client did not wait for the 101.
            for (Object m; (m = queued.poll()) != null; ) {
                ReferenceCountUtil.release(m);
            }
            ctx.close();
        }
    }

    /** Takes the HTTP codecs out; bytes they held go on through this handler. Call after the relay is in place. */
    void removeHttpCodecs() {
        if (ctx.pipeline().get("h2c-upgrade") != null) {
            ctx.pipeline().remove("h2c-upgrade");
        }
        Http1ServerCodec.remove(ctx.pipeline());
    }

    @Override
    public void endUnfinishedRequest() {
        // The connection closes after the response; nothing more to do for HTTP/1.1.
    }

    @Override
    public io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    @Override
    public void forceClose() {
        ctx.channel().close();
    }

    private void dispatch(Object msg) {
        if (current != null) {
            current.onRequestContent((HttpContent) msg);
        } else if (msg instanceof HttpRequest request) {
            cancelIdleTimer();
            if (!sawRequest) {
                sawRequest = true;
                // Upgrade: h2c is honoured on the first request only (as curl and other clients
                // send it); past it, the upgrade handler would only aggregate-check every message.
                if (ctx.pipeline().get("h2c-upgrade") != null) {
                    ctx.pipeline().remove("h2c-upgrade");
                }
            }
            encoder.answering(request.method());
            current = new HttpExchange(this, request);
            current.start();
        } else {
            // Body of a request already answered (and about to be closed): discard.
            ReferenceCountUtil.release(msg);
        }
    }

    private void armIdleTimer() {
        long nanos = hcm.idleTimeout().toNanos();
        if (nanos > 0) {
            idleTimer.armIn(nanos);
        }
    }

    private void cancelIdleTimer() {
        idleTimer.disarm();
    }

    @Override
    public LazyTimer deadlineTimer() {
        return deadlineTimer;
    }

    private static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
