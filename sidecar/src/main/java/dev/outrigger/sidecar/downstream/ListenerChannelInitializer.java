package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.detect.ProtocolDetectionHandler;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The first step of every accepted connection: choose its filter chain, directly when the
 * listener inspects nothing, or after looking at the first bytes, and install the chain.
 */
public final class ListenerChannelInitializer extends ChannelInitializer<Channel> {

    private final Supplier<ListenerContext> current;
    private final ChainInstaller installer;

    /** Connections of {@code listener}, served by the chains {@code installer} builds. */
    public ListenerChannelInitializer(ListenerContext listener, ChainInstaller installer) {
        this(() -> listener, installer);
    }

    /**
     * Connections of whatever listener context {@code current} gives when they are accepted: an
     * LDS update swaps the context of a socket that stays bound, and each connection keeps the
     * one it started with.
     */
    public ListenerChannelInitializer(Supplier<ListenerContext> current, ChainInstaller installer) {
        this.current = current;
        this.installer = installer;
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerContext listener = current.get();
        if (listener.config().detection() != null) {
            addProtocolDetection(ch, listener);
        } else {
            installChain(ch, listener);
        }
    }

    /** The chain is chosen, and installed, once the first bytes have been looked at. */
    private void addProtocolDetection(Channel ch, ListenerContext listener) {
        ch.pipeline().addLast("protocol-detection", new ProtocolDetectionHandler(listener, installer));
    }

    /** No inspectors: the chain is chosen by destination port alone, before any byte is read. */
    private void installChain(Channel ch, ListenerContext listener) {
        FilterChainConfig chain = FilterChainSelector.select(listener.config(), localPort(ch),
                FilterChainMatch.RAW_BUFFER, null);
        if (chain == null) {
            listener.stats().localError("no_filter_chain");
            ch.close();
            return;
        }
        installer.install(ch, listener, chain, DetectedProtocol.UNDETECTED);
    }

    /** The port the client connected to (the listener's own, until original-destination support). */
    public static int localPort(Channel ch) {
        return ch.localAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
    }
}
