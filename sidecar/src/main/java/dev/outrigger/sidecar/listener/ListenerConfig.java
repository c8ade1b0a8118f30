package dev.outrigger.sidecar.listener;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A listener as configured: where to accept connections, how to tell their protocol, and the
 * filter chains that serve them. Immutable; built by the config package from Envoy's
 * {@code Listener}.
 *
 * @param name the listener name (metrics tag {@code listener})
 * @param address the socket address to bind
 * @param filterChains the filter chains, in configuration order
 * @param defaultFilterChain Envoy's {@code default_filter_chain}, used when no chain matches; null if none
 * @param detection how the first bytes are inspected ({@code listener_filters}); null when the
 *     listener has no inspectors and serves its chains without looking at the bytes first
 */
public record ListenerConfig(
        String name,
        InetSocketAddress address,
        List<FilterChainConfig> filterChains,
        FilterChainConfig defaultFilterChain,
        ProtocolDetection detection) {

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        filterChains = List.copyOf(filterChains);
    }

    /** A listener with one HTTP filter chain and no inspection: the common sidecar shape. */
    public ListenerConfig(String name, InetSocketAddress address, HttpConnectionManagerConfig http) {
        this(name, address, List.of(FilterChainConfig.http("", FilterChainMatch.ANY, http)), null, null);
    }

    /** The HTTP connection manager of the first HTTP filter chain; throws if there is none. */
    public HttpConnectionManagerConfig http() {
        for (FilterChainConfig chain : filterChains) {
            if (chain.http() != null) {
                return chain.http();
            }
        }
        if (defaultFilterChain != null && defaultFilterChain.http() != null) {
            return defaultFilterChain.http();
        }
        throw new IllegalStateException("listener " + name + " has no HTTP filter chain");
    }

    /** Names of the RDS route configurations its HTTP chains use, in chain order. */
    public java.util.Set<String> rdsNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (FilterChainConfig chain : allFilterChains()) {
            if (chain.http() != null && chain.http().routes() instanceof dev.outrigger.sidecar.route.DynamicRoutes d) {
                names.add(d.name());
            }
        }
        return names;
    }

    /** Names of the SDS secrets its filter chains' TLS uses. */
    public java.util.Set<String> sdsNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (FilterChainConfig chain : allFilterChains()) {
            if (chain.tls() != null) {
                names.addAll(chain.tls().sdsNames());
            }
        }
        return names;
    }

    /** Whether every RDS route configuration it uses has arrived (or is known to be missing). */
    public boolean routesReady() {
        for (FilterChainConfig chain : allFilterChains()) {
            if (chain.http() != null && chain.http().routes() instanceof dev.outrigger.sidecar.route.DynamicRoutes d
                    && !d.arrived()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether two listeners at these addresses could not both bind: same port, and the same
     * address or either a wildcard. Port 0 asks the kernel for a fresh port, so it never clashes.
     */
    public static boolean addressesClash(InetSocketAddress a, InetSocketAddress b) {
        if (a.getPort() == 0 || a.getPort() != b.getPort()) {
            return false;
        }
        return a.getAddress().equals(b.getAddress())
                || a.getAddress().isAnyLocalAddress() || b.getAddress().isAnyLocalAddress();
    }

    /** Every chain, the default one last. */
    public List<FilterChainConfig> allFilterChains() {
        List<FilterChainConfig> all = new ArrayList<>(filterChains);
        if (defaultFilterChain != null) {
            all.add(defaultFilterChain);
        }
        return all;
    }
}
