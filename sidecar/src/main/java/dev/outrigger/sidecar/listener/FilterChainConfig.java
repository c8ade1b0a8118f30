package dev.outrigger.sidecar.listener;

import dev.outrigger.sidecar.tls.TlsSettings;
import java.util.Objects;

/**
 * One filter chain of a listener: when it applies, and what serves the connection: an HTTP
 * connection manager or a TCP proxy (exactly one of the two).
 *
 * @param name the chain's name ("" when unnamed)
 * @param match the connections it applies to
 * @param http the HTTP connection manager, or null
 * @param tcp the TCP proxy, or null
 * @param tls how the chain terminates TLS ({@code transport_socket}), or null for plain text
 * @param networkFilters the network filters before the connection manager or TCP proxy, in order
 */
public record FilterChainConfig(String name, FilterChainMatch match, HttpConnectionManagerConfig http,
        TcpProxyConfig tcp, TlsSettings tls, java.util.List<dev.outrigger.sidecar.filter.NetworkFilterConfig> networkFilters) {

    /** A chain without network filters before its terminal one. */
    public FilterChainConfig(String name, FilterChainMatch match, HttpConnectionManagerConfig http,
            TcpProxyConfig tcp, TlsSettings tls) {
        this(name, match, http, tcp, tls, java.util.List.of());
    }

    /** A plain-text chain. */
    public FilterChainConfig(String name, FilterChainMatch match, HttpConnectionManagerConfig http,
            TcpProxyConfig tcp) {
        this(name, match, http, tcp, null);
    }

    public FilterChainConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        if ((http == null) == (tcp == null)) {
            throw new IllegalArgumentException("a filter chain has exactly one of http and tcp");
        }
        networkFilters = java.util.List.copyOf(networkFilters);
    }

    /** An HTTP chain. */
    public static FilterChainConfig http(String name, FilterChainMatch match, HttpConnectionManagerConfig http) {
        return new FilterChainConfig(name, match, http, null);
    }

    /** A TCP proxy chain. */
    public static FilterChainConfig tcp(String name, FilterChainMatch match, TcpProxyConfig tcp) {
        return new FilterChainConfig(name, match, null, tcp);
    }

    /** This chain terminating TLS with {@code settings}. */
    public FilterChainConfig withTls(TlsSettings settings) {
        return new FilterChainConfig(name, match, http, tcp, settings, networkFilters);
    }
}
