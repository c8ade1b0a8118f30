package dev.outrigger.sidecar.listener;

import java.util.Objects;

/**
 * One filter chain of a listener: when it applies, and what serves the connection: an HTTP
 * connection manager or a TCP proxy (exactly one of the two).
 *
 * @param name the chain's name ("" when unnamed)
 * @param match the connections it applies to
 * @param http the HTTP connection manager, or null
 * @param tcp the TCP proxy, or null
 */
public record FilterChainConfig(String name, FilterChainMatch match, HttpConnectionManagerConfig http,
        TcpProxyConfig tcp) {

    public FilterChainConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        if ((http == null) == (tcp == null)) {
            throw new IllegalArgumentException("a filter chain has exactly one of http and tcp");
        }
    }

    /** An HTTP chain. */
    public static FilterChainConfig http(String name, FilterChainMatch match, HttpConnectionManagerConfig http) {
        return new FilterChainConfig(name, match, http, null);
    }

    /** A TCP proxy chain. */
    public static FilterChainConfig tcp(String name, FilterChainMatch match, TcpProxyConfig tcp) {
        return new FilterChainConfig(name, match, null, tcp);
    }
}
