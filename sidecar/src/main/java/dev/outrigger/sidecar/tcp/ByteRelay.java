package dev.outrigger.sidecar.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes both ways between two connected channels of one event loop until both are done:
 * the data path of the TCP proxy, and of any tunnel whose channels carry raw bytes (a WebSocket
 * after an HTTP/1.1 Upgrade, once the HTTP codecs are out of both pipelines).
 *
 * <p>{@link #splice} adds a relay handler at the end of each pipeline. From then on:
 * <ul>
 *   <li><b>Backpressure.</b> Auto-read is off; a side is read only while the other side is
 *       writable, and again when it becomes writable. At most one read buffer beyond the
 *       write-buffer high-water mark waits per direction.
 *   <li><b>Half-close.</b> The end of one side's input (the peer shut down its output; needs
 *       {@code ALLOW_HALF_CLOSURE}, which splice turns on) shuts down the other side's output once
 *       everything before it is written. When both directions have ended, both channels close.
 *   <li><b>Close and errors.</b> An error on either side closes both at once. A side that closes
 *       makes the other close as soon as what it still has to write is written.
 *   <li><b>Idle timeout.</b> Both close when no bytes were read on either side for the timeout.
 * </ul>
 *
 * <p>Everything runs on the channels' event loop, so the relay's fields are plain.
 */
public final class ByteRelay {

    private static final Logger log = LoggerFactory.getLogger(ByteRelay.class);

    /** Name of the relay handler in both pipelines. */
    public static final String HANDLER_NAME = "byte-relay";

    /** Counts the bytes a relay moves. Called on the event loop, once per buffer read. */
    public interface ByteCounter {

        /** Counts nothing. */
        ByteCounter NONE = new ByteCounter() {
            @Override
            public void toUpstream(int bytes) {
            }

            @Override
            public void toDownstream(int bytes) {
            }
        };

        /** {@code bytes} read from the downstream channel, going to the upstream one. */
        void toUpstream(int bytes);

        /** {@code bytes} read from the upstream channel, going to the downstream one. */
        void toDownstream(int bytes);
    }

    private final EventLoop loop;
    private final Side downstream;
    private final Side upstream;
    private final long idleNanos;
    private final ByteCounter counter;
    private final Runnable onClosed;
    private long lastActivityNanos;
    private ScheduledFuture<?> idleTimer;
    private int channelsClosed;
    private boolean closing;

    private ByteRelay(Channel downstream, Channel upstream, Duration idleTimeout, ByteCounter counter,
            Runnable onClosed) {
        this.loop = downstream.eventLoop();
        this.downstream = new Side(downstream, true);
        this.upstream = new Side(upstream, false);
        this.downstream.peer = this.upstream;
        this.upstream.peer = this.downstream;
        this.idleNanos = idleTimeout.toNanos();
        this.counter = counter;
        this.onClosed = onClosed;
    }

    /** {@link #splice(Channel, Channel, Duration, ByteCounter, Runnable)} without counting bytes. */
    public static ByteRelay splice(Channel downstream, Channel upstream, Duration idleTimeout, Runnable onClosed) {
        return splice(downstream, upstream, idleTimeout, ByteCounter.NONE, onClosed);
    }

    /**
     * Relays bytes between two active channels until both have closed. Call on their event loop;
     * both must belong to the same one. Their pipelines must pass raw {@link ByteBuf}s at their
     * ends (no codec still decoding). Auto-read is turned off and half-closure on for both.
     *
     * <p>Bytes already read before the splice may still be on their way: a decoder removed from
     * either pipeline later fires what it held, and a caller holding bytes fires them into the
     * pipeline (as {@code channelRead} then {@code channelReadComplete}) right after this call.
     * They are relayed in order: the channels' state (already closed, input already ended) is
     * looked at, and reading starts, in a task the event loop runs after the caller's current one.
     *
     * @param idleTimeout both channels close after this long without bytes read either way;
     *     {@link Duration#ZERO} for never
     * @param counter told about every buffer moved
     * @param onClosed runs once, on the event loop, when both channels have closed; may be null
     * @return a handle to close the relay early
     */
    public static ByteRelay splice(Channel downstream, Channel upstream, Duration idleTimeout, ByteCounter counter,
            Runnable onClosed) {
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(counter, "counter");
        if (downstream.eventLoop() != upstream.eventLoop()) {
            throw new IllegalArgumentException("both channels of a relay must belong to the same event loop");
        }
        if (!downstream.eventLoop().inEventLoop()) {
            throw new IllegalStateException("splice must be called on the channels' event loop");
        }
        ByteRelay relay = new ByteRelay(downstream, upstream, idleTimeout, counter, onClosed);
        relay.install();
        return relay;
    }

    /** Closes both channels now, whatever is in flight. Any thread. */
    public void close() {
        if (loop.inEventLoop()) {
            closeBoth();
        } else {
            loop.execute(this::closeBoth);
        }
    }

    private void install() {
        downstream.install();
        upstream.install();
        lastActivityNanos = System.nanoTime();
        if (idleNanos > 0) {
            idleTimer = loop.schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
        ChannelFutureListener countClose = f -> channelClosed();
        downstream.channel.closeFuture().addListener(countClose);
        upstream.channel.closeFuture().addListener(countClose);
        loop.execute(() -> {
            downstream.begin();
            upstream.begin();
        });
    }

    private void checkIdle() {
        idleTimer = null;
        if (closing || channelsClosed == 2) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= idleNanos) {
            closeBoth();
        } else {
            idleTimer = loop.schedule(this::checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
        }
    }

    private void channelClosed() {
        if (++channelsClosed == 2) {
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
            if (onClosed != null) {
                onClosed.run();
            }
        }
    }

    private void closeBoth() {
        if (closing) {
            return;
        }
        closing = true;
        downstream.channel.close();
        upstream.channel.close();
    }

    /** Both directions have ended: everything was written and both outputs are shut down. */
    private void closeIfBothDirectionsEnded() {
        if (downstream.inputEnded && upstream.outputShutDown && upstream.inputEnded && downstream.outputShutDown) {
            closeBoth();
        }
    }

    /** One channel of the relay and its handler: reads from here are written to {@link #peer}. */
    private final class Side extends ChannelInboundHandlerAdapter {

        private final Channel channel;
        private final boolean isDownstream;
        private Side peer;
        /** No more bytes will be read here: the end of input was seen and passed on. */
        private boolean inputEnded;
        /** This channel's output was shut down after the peer's input ended. */
        private boolean outputShutDown;

        Side(Channel channel, boolean isDownstream) {
            this.channel = channel;
            this.isDownstream = isDownstream;
        }

        void install() {
            channel.config().setAutoRead(false);
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            channel.pipeline().addLast(HANDLER_NAME, this);
        }

        void begin() {
            if (!channel.isActive()) {
                peerMustClose();
            } else if (isInputShutdown()) {
                endOfInput();
            } else {
                readIfPeerWritable();
            }
        }

        void readIfPeerWritable() {
            if (!inputEnded && !closing && channel.isActive() && !isInputShutdown() && peer.channel.isWritable()) {
                channel.read();
            }
        }

        /** True once the transport saw the end of input, perhaps before this relay's own handler did. */
        private boolean isInputShutdown() {
            return channel instanceof DuplexChannel d && d.isInputShutdown();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && peer.channel.isActive() && !peer.outputShutDown) {
                int bytes = buf.readableBytes();
                lastActivityNanos = System.nanoTime();
                if (isDownstream) {
                    counter.toUpstream(bytes);
                } else {
                    counter.toDownstream(bytes);
                }
                peer.channel.write(buf, peer.channel.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.channel.flush();
            readIfPeerWritable();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                peer.readIfPeerWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                endOfInput();
            }
            if (evt == dev.outrigger.sidecar.tls.CertificateExpiring.INSTANCE) {
                // A byte stream cannot move to a fresh connection: it ends before its certificate does.
                log.info("closing a relayed {} connection to {} before its certificate expires",
                        isDownstream ? "downstream" : "upstream", channel.remoteAddress());
                closeBoth();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peerMustClose();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} {} error, closing both sides", isDownstream ? "downstream" : "upstream",
                    channel.remoteAddress(), cause);
            closeBoth();
        }

        /** The peer will get no more bytes from here: it closes once it has written what it holds. */
        private void peerMustClose() {
            if (!closing && peer.channel.isActive()) {
                peer.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** This side's input ended: end the peer's output after what was read here is written. */
        private void endOfInput() {
            if (inputEnded) {
                return;
            }
            inputEnded = true;
            Channel out = peer.channel;
            if (!out.isActive()) {
                closeBoth();
                return;
            }
            // shutdownOutput drops writes still queued, so it waits for the ones before it.
            out.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (!written.isSuccess()) {
                    closeBoth();
                } else if (out instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput().addListener(shut -> {
                        if (shut.isSuccess()) {
                            peer.outputShutDown = true;
                            closeIfBothDirectionsEnded();
                        } else {
                            closeBoth();
                        }
                    });
                } else {
                    // Without half-closure, closing is the only way to pass the end on.
                    out.close();
                }
            });
        }
    }
}
