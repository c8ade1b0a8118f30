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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChainInstallers.class);

    private static String peer(Channel channel) {
        var cert = dev.outrigger.sidecar.downstream.PeerCertificate.of(channel);
        return cert == null ? null : cert.uri();
    }

    ChainInstallers(ChainInstaller http, ChainInstaller tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        var filters = listener.networkFilters(chain);
        if (!filters.isEmpty()) {
            String refused = filters.admit(new dev.outrigger.sidecar.filter.ConnectionContext(
                    (java.net.InetSocketAddress) channel.remoteAddress(), (java.net.InetSocketAddress) channel.localAddress(),
                    dev.outrigger.sidecar.downstream.ServerName.of(channel), peer(channel)));
            if (refused != null) {
                log.debug("listener '{}': connection from {} refused: {}", listener.config().name(),
                        channel.remoteAddress(), refused);
                channel.close();
                return;
            }
        }
        if (chain.http() != null) {
            http.install(channel, listener, chain, protocol);
        } else {
            tcp.install(channel, listener, chain, protocol);
        }
    }
}
