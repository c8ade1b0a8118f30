package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import io.netty.channel.Channel;

/** Sends each filter chain to the installer of its kind: HTTP connection manager or TCP proxy. */
final class ChainInstallers implements ChainInstaller {

    private final ChainInstaller http;

    ChainInstallers(ChainInstaller http) {
        this.http = http;
    }

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        if (chain.http() != null) {
            http.install(channel, listener, chain, protocol);
        } else {
            throw new IllegalStateException("TCP proxy chains are not wired in yet");
        }
    }
}
