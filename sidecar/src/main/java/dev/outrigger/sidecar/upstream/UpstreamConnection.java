package dev.outrigger.sidecar.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import dev.outrigger.sidecar.transport.LazyTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection to an endpoint: the last handler of the upstream pipeline. It is
 * either idle in its pool or bound to exactly one exchange, to which it hands every response
 * object. Auto-read is off; the bound exchange decides when to read.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter implements UpstreamStream {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private final Http1ConnectionPool pool;
    private Channel channel;
    private UpstreamExchange exchange;
    private int requestsServed;
    private LazyTimer idleTimer;
    private boolean tunnel;
    /** Its certificates are about to expire: no new request, closed once idle. */
    private boolean expiring;
    private Http1ClientCodec.ResponseDecoder decoder;

    UpstreamConnection(Http1ConnectionPool pool) {
        this.pool = pool;
    }

    /** Hands the connection to {@code owner} for one request. */
    public void bind(UpstreamExchange owner) {
        cancelIdleTimer();
        this.exchange = owner;
        requestsServed++;
    }

    /**
     * Returns the connection after a request. Only a connection whose request and response both
     * completed cleanly may be reused; anything else is closed.
     */
    @Override
    public void release(boolean reusable) {
        exchange = null;
        pool.release(this, reusable && requestsServed < pool.maxRequestsPerConnection());
    }

    /** Closes the connection (unbinding it first, so the exchange hears nothing more). */
    @Override
    public void abort() {
        exchange = null;
        channel.close();
    }

    /** Queues a request object for writing. */
    @Override
    public void write(Object message) {
        if (message instanceof HttpRequest request) {
            decoder.requestSent(request.method());
        }
        channel.write(message, channel.voidPromise());
    }

    /** Flushes queued writes. */
    @Override
    public void flush() {
        channel.flush();
    }

    /** Asks for one more read of the response. */
    @Override
    public void read() {
        channel.read();
    }

    /** Whether the socket buffer has room. */
    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    /** The endpoint's address as {@code ip:port}. */
    @Override
    public String remoteAddress() {
        return pool.endpoint().hostPort();
    }

    @Override
    public boolean isHttp2() {
        return false;
    }

    /** The pool this connection belongs to. */
    public Http1ConnectionPool pool() {
        return pool;
    }

    boolean isUsable() {
        return channel.isActive() && !expiring;
    }

    void startIdleTimer(long nanos) {
        if (nanos > 0) {
            idleTimer.armIn(nanos);
        }
    }

    private void cancelIdleTimer() {
        idleTimer.disarm();
    }

    void close() {
        channel.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        this.decoder = ctx.pipeline().get(Http1ClientCodec.ResponseDecoder.class);
        // Disarmed and re-armed at every request: lazily rescheduled, not one task per request.
        this.idleTimer = new LazyTimer(ctx.executor(), () -> {
            if (exchange == null && !tunnel) {
                channel.close();
            }
        });
    }

    /**
     * After a {@code 101 Switching Protocols}: the connection leaves HTTP for good. The HTTP codec
     * leaves the pipeline and this handler passes bytes through to whatever follows it (a byte
     * relay); the connection never returns to the pool, but its slot is freed when it closes.
     * Returns the channel.
     */
    public Channel detachForTunnel() {
        tunnel = true;
        exchange = null;
        cancelIdleTimer();
        return channel;
    }

    /** Takes the HTTP codec out; bytes it held go on through this handler. Call after the relay is in place. */
    public void removeHttpCodec() {
        Http1ClientCodec.remove(channel.pipeline());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            if (msg instanceof io.netty.buffer.ByteBuf) {
                ctx.fireChannelRead(msg);
            } else {
                // The codec's end-of-message marker for the 101: not tunnel bytes.
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        UpstreamExchange owner = exchange;
        if (owner == null || !(msg instanceof HttpObject)) {
            // Bytes on an idle connection (a late 408, garbage): it can no longer be trusted.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        owner.onResponse((HttpObject) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (tunnel) {
            ctx.fireChannelReadComplete();
            return;
        }
        UpstreamExchange owner = exchange;
        if (owner != null) {
            owner.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (tunnel) {
            ctx.fireChannelWritabilityChanged();
            return;
        }
        UpstreamExchange owner = exchange;
        if (owner != null) {
            owner.onUpstreamWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        idleTimer.stop();
        UpstreamExchange owner = exchange;
        exchange = null;
        pool.onClosed(this);
        if (owner != null) {
            owner.onUpstreamClosed();
        }
        if (tunnel) {
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == dev.outrigger.sidecar.tls.CertificateExpiring.INSTANCE) {
            expiring = true;
            if (exchange == null && !tunnel) {
                ctx.close(); // idle in the pool: go now; a busy one closes when released
            }
            return;
        }
        // In a tunnel the relay needs to hear of the peer's half-close.
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tunnel) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        log.debug("upstream {} connection error", pool.endpoint(), cause);
        ctx.close();
    }
}
