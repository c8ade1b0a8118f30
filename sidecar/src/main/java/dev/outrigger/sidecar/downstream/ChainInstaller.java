package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import io.netty.channel.Channel;

/**
 * Adds the handlers that serve a filter chain to a connection once the chain is chosen. Bytes
 * already read while detecting are fired into the pipeline after the call returns.
 */
@FunctionalInterface
public interface ChainInstaller {

    /**
     * Installs {@code chain}'s handlers at the end of {@code channel}'s pipeline.
     *
     * @param protocol what detection found, or {@link DetectedProtocol#UNDETECTED}
     */
    void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol);
}
