package dev.outrigger.sidecar.tcp;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerChannelInitializer;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import io.netty.channel.Channel;

/** Builds the pipeline of a connection served by a TCP proxy: one {@link TcpProxyHandler}. */
public final class TcpChainInstaller implements ChainInstaller {

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        if (chain.tcp() == null) {
            throw new IllegalArgumentException("filter chain '" + chain.name() + "' is not a TCP proxy");
        }
        // A connection sent here because its client was silent watches who speaks first.
        int silentPort = protocol == DetectedProtocol.SILENT ? ListenerChannelInitializer.localPort(channel) : -1;
        channel.pipeline().addLast("tcp-proxy", new TcpProxyHandler(listener, chain.tcp(), silentPort));
    }
}
