package dev.outrigger.sidecar.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import dev.outrigger.sidecar.transport.Http2Codecs;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection to an endpoint, carrying many streams: the last handler of its
 * pipeline. It knows how many streams it carries, how many the endpoint allows (its SETTINGS),
 * and whether the endpoint said GOAWAY; the pool asks it for new streams while it has room.
 */
final class Http2UpstreamConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2UpstreamConnection.class);
    /** An endpoint whose SETTINGS name no limit allows any number (RFC 9113 6.5.2); the cluster's cap still applies. */
    private static final int UNLIMITED = Integer.MAX_VALUE;

    private final Http2ConnectionPool pool;
    private Channel channel;
    private int maxStreams = UNLIMITED;
    private int activeStreams;
    private long streamsOpened;
    private boolean goingAway;
    private boolean ready;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> settingsTimer;
    private boolean settingsTimedOut;

    Http2UpstreamConnection(Http2ConnectionPool pool) {
        this.pool = pool;
    }

    Http2ConnectionPool pool() {
        return pool;
    }

    /** Whether the connection was closed because the endpoint's SETTINGS did not come in time. */
    boolean settingsTimedOut() {
        return settingsTimedOut;
    }

    /** Whether the endpoint's first SETTINGS arrived. */
    boolean isReady() {
        return ready;
    }

    /** Whether another stream may be opened now. */
    boolean hasCapacity() {
        // Not before the endpoint's SETTINGS: until then its stream limit is unknown, and streams
        // beyond it would be refused (RST_STREAM REFUSED_STREAM, or refused by the codec here).
        // The cluster's own max_concurrent_streams bounds it too.
        return ready && channel.isActive() && !goingAway
                && activeStreams < Math.min(maxStreams, pool.http2Settings().maxConcurrentStreams())
                && streamsOpened < pool.maxRequestsPerConnection();
    }

    /** Opens a stream for {@code exchange}; call only when {@link #hasCapacity()}. */
    void openStream(UpstreamExchange exchange) {
        cancelIdleTimer();
        activeStreams++;
        streamsOpened++;
        Http2UpstreamStream stream = new Http2UpstreamStream(this, exchange);
        new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        // The exchange reads when its client can take more: flow control per stream.
                        ch.config().setAutoRead(false);
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), stream);
                    }
                })
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        exchange.onUpstreamReady(stream);
                    } else {
                        log.debug("cannot open a stream to {}", pool.endpoint(), f.cause());
                        streamClosed();
                        exchange.onUpstreamFailure(UpstreamFailure.CONNECT_FAILURE);
                    }
                });
    }

    /** A stream ended; its slot is free again. */
    void streamClosed() {
        activeStreams--;
        if (activeStreams == 0 && (goingAway || streamsOpened >= pool.maxRequestsPerConnection())) {
            channel.close();
            return;
        }
        if (activeStreams == 0 && pool.othersWaitForASlot()) {
            // A connection cannot move to another event loop; closing it frees the slot for one that waits.
            channel.close();
            return;
        }
        if (activeStreams == 0) {
            startIdleTimer();
        }
        pool.capacityAvailable();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // An endpoint that accepts the connection but never sends SETTINGS is not speaking HTTP/2:
        // give it the connect timeout, then treat it as a failed connection.
        settingsTimer = ctx.executor().schedule(() -> {
            settingsTimer = null;
            if (!ready) {
                settingsTimedOut = true;
                ctx.close();
            }
        }, pool.connectTimeoutNanos(), TimeUnit.NANOSECONDS);
        // After the codec's channelActive: the preface is out, so the WINDOW_UPDATE may follow.
        Http2Codecs.raiseConnectionWindow(ctx.pipeline().get(Http2FrameCodec.class), pool.http2Settings());
        ctx.flush();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings) {
                Long max = settings.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = (int) Math.min(Integer.MAX_VALUE, max);
                }
                if (!ready) {
                    // The endpoint's preface (RFC 9113 3.4): the connection can take streams now.
                    ready = true;
                    cancelSettingsTimer();
                    pool.connectionReady(this);
                    if (activeStreams == 0) {
                        startIdleTimer();
                    }
                } else if (max != null) {
                    pool.capacityAvailable();
                }
            } else if (msg instanceof Http2GoAwayFrame) {
                // Streams already open finish; no new ones go here.
                goingAway = true;
                pool.connectionGoingAway(this);
                if (activeStreams == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        cancelSettingsTimer();
        pool.connectionClosed(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == dev.outrigger.sidecar.tls.CertificateExpiring.INSTANCE) {
            // As after a GOAWAY: streams in flight finish, new ones go to a fresh connection.
            goingAway = true;
            pool.connectionGoingAway(this);
            if (activeStreams == 0) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("upstream HTTP/2 connection to {} failed", pool.endpoint(), cause);
        ctx.close();
    }

    private void startIdleTimer() {
        if (pool.isRetired() && activeStreams == 0) {
            channel.close(); // the endpoint left its cluster: no reason to keep an idle connection
            return;
        }
        long nanos = pool.idleTimeoutNanos();
        if (nanos > 0 && idleTimer == null) {
            idleTimer = channel.eventLoop().schedule(() -> {
                idleTimer = null;
                if (activeStreams == 0) {
                    channel.close();
                }
            }, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelSettingsTimer() {
        if (settingsTimer != null) {
            settingsTimer.cancel(false);
            settingsTimer = null;
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    boolean isIdle() {
        return activeStreams == 0;
    }
}
