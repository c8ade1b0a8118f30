package dev.outrigger.sidecar.listener;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A listener as configured: where to accept connections and the HTTP connection manager that
 * serves them. Immutable; built by the config package from Envoy's {@code Listener}.
 *
 * @param name the listener name (metrics tag {@code listener})
 * @param address the socket address to bind
 * @param http the HTTP connection manager of its single filter chain
 */
public record ListenerConfig(String name, InetSocketAddress address, HttpConnectionManagerConfig http) {

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(http, "http");
    }
}
