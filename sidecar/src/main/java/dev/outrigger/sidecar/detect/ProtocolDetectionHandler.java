package dev.outrigger.sidecar.detect;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.Drainable;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.FilterChainSelector;
import dev.outrigger.sidecar.downstream.ListenerChannelInitializer;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection on a listener with inspectors ({@code listener_filters}):
 * reads the first bytes until {@link ProtocolClassifier} can tell the protocol, or the detection
 * timeout passes, picks the filter chain for what it found, installs it and steps aside.
 *
 * <p>The installed handlers see the connection as if they had been there from the start: this
 * handler holds back {@code channelActive}, and once the chain is installed behind it fires, in
 * order, {@code channelActive}, the bytes read so far as one {@code channelRead} and a
 * {@code channelReadComplete}, and the end of the client's input if it came meanwhile; then it
 * removes itself. A silent client (nothing within the timeout) is taken to wait for the server
 * to speak first; its destination port is remembered in the listener's {@link ServerFirstPorts},
 * and later connections to that port skip the wait.
 */
public final class ProtocolDetectionHandler extends ChannelInboundHandlerAdapter implements Drainable {

    private static final Logger log = LoggerFactory.getLogger(ProtocolDetectionHandler.class);

    /** The {@code protocol} tag of each {@link DetectedProtocol}, by ordinal. */
    private static final String[] TAGS = tags();

    private final ListenerContext listener;
    private final ChainInstaller installer;
    private ChannelHandlerContext ctx;
    private final ProtocolDetection detection;
    private int port;
    private ByteBuf buffered;
    private ScheduledFuture<?> timer;
    private boolean decided;
    private boolean inputEnded;
    private Boolean halfClosureBefore;

    /** Detection for a connection of {@code listener}, whose chains {@code installer} builds. */
    public ProtocolDetectionHandler(ListenerContext listener, ChainInstaller installer) {
        this.listener = listener;
        this.installer = installer;
        this.detection = listener.config().detection();
        if (detection == null) {
            throw new IllegalArgumentException("listener " + listener.config().name() + " has no protocol detection");
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Not passed on: the chain's handlers get channelActive once they are installed.
        this.ctx = ctx;
        listener.opened(this);
        port = ListenerChannelInitializer.localPort(ctx.channel());
        if (listener.serverFirstPorts().contains(port)) {
            decide(ctx, DetectedProtocol.SILENT);
            return;
        }
        // A client that sends a few bytes and shuts down its output must not be closed under us.
        Channel ch = ctx.channel();
        halfClosureBefore = ch.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        long nanos = detection.timeout().toNanos();
        if (nanos > 0) {
            timer = ctx.executor().schedule(() -> timedOut(ctx), nanos, TimeUnit.NANOSECONDS);
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decided) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        accumulate(ctx, buf);
        DetectedProtocol p = ProtocolClassifier.classify(buffered, detection.http(), detection.tls());
        if (p != null) {
            decide(ctx, p);
        }
    }

    /**
     * Appends {@code buf} to what was read before. The first read usually decides and is handed
     * on as it is; only a client that trickles its first bytes costs a copy of those few bytes.
     */
    private void accumulate(ChannelHandlerContext ctx, ByteBuf buf) {
        if (buffered == null) {
            buffered = buf;
            return;
        }
        try {
            ByteBuf all = ctx.alloc().buffer(buffered.readableBytes() + buf.readableBytes());
            all.writeBytes(buffered).writeBytes(buf);
            buffered.release();
            buffered = all;
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (decided) {
            ctx.fireChannelReadComplete();
        } else {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!decided && evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            if (buffered == null) {
                ctx.close(); // left without a word: nothing to serve
            } else {
                decide(ctx, ProtocolClassifier.classifyFinal(buffered, detection.http(), detection.tls()));
            }
        } else if (decided || !(evt instanceof ChannelInputShutdownReadComplete)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void timedOut(ChannelHandlerContext ctx) {
        timer = null;
        if (decided || !ctx.channel().isActive()) {
            return;
        }
        DetectedProtocol p = ProtocolClassifier.classifyFinal(buffered, detection.http(), detection.tls());
        if (p == DetectedProtocol.SILENT && listener.serverFirstPorts().add(port)) {
            log.info("listener '{}': port {} looks server-first (the client sent nothing in {} ms); its "
                    + "connections skip detection until a client there speaks first", listener.config().name(), port,
                    detection.timeout().toMillis());
        }
        decide(ctx, p);
    }

    private void decide(ChannelHandlerContext ctx, DetectedProtocol protocol) {
        decided = true;
        cancelTimer();
        listener.stats().protocolDetected(TAGS[protocol.ordinal()]);
        ByteBuf bytes = buffered;
        buffered = null;
        Channel ch = ctx.channel();
        FilterChainConfig chain = FilterChainSelector.select(listener.config(), port,
                protocol == DetectedProtocol.TLS ? FilterChainMatch.TLS : FilterChainMatch.RAW_BUFFER,
                applicationProtocol(protocol));
        if (chain == null) {
            ReferenceCountUtil.release(bytes);
            listener.stats().localError("no_filter_chain");
            ctx.close();
            return;
        }
        // The chain's handler takes over the connection, and its draining.
        listener.handOff(this);
        if (halfClosureBefore != null) {
            // The chain decides for itself; the TCP proxy turns it on again, HTTP leaves it off.
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosureBefore);
        }
        try {
            installer.install(ch, listener, chain, protocol);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(bytes);
            ctx.close();
            throw e;
        }
        ctx.fireChannelActive();
        if (bytes != null) {
            ctx.fireChannelRead(bytes);
            ctx.fireChannelReadComplete();
        }
        if (inputEnded) {
            if (Boolean.TRUE.equals(ch.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE))) {
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            } else {
                ctx.close(); // what the transport does at the end of input without half-closure
            }
        }
        if (!ctx.isRemoved()) { // a closed channel may have torn its pipeline down already
            ctx.pipeline().remove(this);
        }
    }

    /** The application protocol a filter chain matches on for {@code protocol}, or null. */
    static String applicationProtocol(DetectedProtocol protocol) {
        return switch (protocol) {
            case HTTP1 -> FilterChainMatch.HTTP11;
            case HTTP2 -> FilterChainMatch.H2C;
            default -> null;
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        listener.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void drain() {
        // Nothing is in flight before the protocol is known: close.
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
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (decided) {
            ctx.fireExceptionCaught(cause);
        } else {
            log.debug("downstream connection {} error during protocol detection", ctx.channel().remoteAddress(),
                    cause);
            ctx.close();
        }
    }

    private void releaseAll() {
        cancelTimer();
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static String[] tags() {
        DetectedProtocol[] all = DetectedProtocol.values();
        String[] tags = new String[all.length];
        for (DetectedProtocol p : all) {
            tags[p.ordinal()] = p.name().toLowerCase(Locale.ROOT);
        }
        return tags;
    }
}
