package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import io.netty.channel.Channel;

/** Sends each filter chain to the installer of its kind: HTTP connection manager or TCP proxy. */
final class ChainInstallers implements ChainInstaller {

    private final ChainInstaller http;
    private final ChainInstaller tcp;

    ChainInstallers(ChainInstaller http, ChainInstaller tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        if (chain.http() != null) {
            http.install(channel, listener, chain, protocol);
        } else {
            tcp.install(channel, listener, chain, protocol);
        }
    }
}
