package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.RouteSource;
import dev.outrigger.sidecar.tls.TlsSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.ArrayList;
import dev.outrigger.sidecar.filter.NetworkFilterConfig;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Translates one of a listener's filter chains: its {@code filter_chain_match} and its one
 * network filter, the HTTP connection manager or the TCP proxy.
 */
final class FilterChainTranslator {

    /** The name Envoy gives the HTTP connection manager network filter. */
    static final String HCM = "envoy.filters.network.http_connection_manager";
    /** The application protocols a chain may match on: what the HTTP inspector and TLS ALPN report. */
    static final Set<String> APPLICATION_PROTOCOLS = Set.of(FilterChainMatch.HTTP10, FilterChainMatch.HTTP11,
            FilterChainMatch.H2C);

    private static final String EITHER = HCM + " or " + TcpProxyTranslator.NAME;

    private FilterChainTranslator() {
    }

    /**
     * A checked filter chain; an HTTP chain waits for its route table.
     *
     * @param name the chain's name, "" when unnamed
     * @param match when it applies ({@link FilterChainMatch#ANY} for the default chain)
     * @param http its HTTP connection manager, or null
     * @param tcp its TCP proxy, or null
     * @param path where the chain is
     * @param tls its {@code transport_socket}, or null
     * @param networkFilters the network filters before the terminal one
     */
    record Draft(String name, FilterChainMatch match, HcmTranslator.Draft http, TcpProxyConfig tcp, FieldPath path,
            TlsSettings tls, List<NetworkFilterConfig> networkFilters) {

        Draft {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(match, "match");
            if ((http == null) == (tcp == null)) {
                throw new IllegalArgumentException("a filter chain has exactly one of http and tcp");
            }
            Objects.requireNonNull(path, "path");
            networkFilters = List.copyOf(networkFilters);
        }

        /** The finished chain; {@code routes} is the route table of an HTTP chain and ignored for a TCP one. */
        FilterChainConfig complete(RouteSource routes) {
            return new FilterChainConfig(name, match, http != null ? http.complete(routes) : null,
                    http != null ? null : tcp, tls, networkFilters);
        }

        Draft withTls(TlsSettings settings) {
            return new Draft(name, match, http, tcp, path, settings, networkFilters);
        }

        /** Where the chain is within its listener: {@code filter_chains[1]} or {@code default_filter_chain}. */
        String where() {
            String full = path.toString();
            return full.substring(full.lastIndexOf('.') + 1);
        }

        /** How errors refer to this chain: where it is, and its name when it has one. */
        String label() {
            return name.isEmpty() ? where() : where() + " (\"" + name + "\")";
        }
    }

    /** Translates an entry of {@code filter_chains} at {@code path}. */
    static Draft translate(FilterChain chain, FieldPath path) throws ResourceInvalidException {
        checkChain(chain, path);
        FilterChainMatch match = chain.hasFilterChainMatch()
                ? match(chain.getFilterChainMatch(), path.field("filter_chain_match"))
                : FilterChainMatch.ANY;
        return filter(chain, match, path);
    }

    /** Translates {@code default_filter_chain} at {@code path}. */
    static Draft translateDefault(FilterChain chain, FieldPath path) throws ResourceInvalidException {
        checkChain(chain, path);
        if (!chain.getFilterChainMatch().equals(io.envoyproxy.envoy.config.listener.v3.FilterChainMatch
                .getDefaultInstance())) {
            throw path.field("filter_chain_match").invalid(
                    "Envoy ignores filter_chain_match on the default chain, which serves what no other chain matches;"
                            + " remove it");
        }
        return filter(chain, FilterChainMatch.ANY, path);
    }

    private static void checkChain(FilterChain chain, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(chain, path, "name", "filter_chain_match", "filters", "transport_socket");
    }

    private static Draft withTls(Draft draft, FilterChain chain, FieldPath path) throws ResourceInvalidException {
        return chain.hasTransportSocket()
                ? draft.withTls(TlsContextTranslator.downstream(chain.getTransportSocket(), path.field("transport_socket")))
                : draft;
    }

    private static FilterChainMatch match(io.envoyproxy.envoy.config.listener.v3.FilterChainMatch match,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(match, path, "destination_port", "transport_protocol", "application_protocols");
        int port = 0;
        if (match.hasDestinationPort()) {
            long p = Integer.toUnsignedLong(match.getDestinationPort().getValue());
            if (p < 1 || p > 65535) {
                throw path.field("destination_port").invalid("port " + p + " is outside 1..65535");
            }
            port = (int) p;
        }
        String transport = match.getTransportProtocol();
        if (!transport.isEmpty() && !transport.equals(FilterChainMatch.RAW_BUFFER)
                && !transport.equals(FilterChainMatch.TLS)) {
            throw path.field("transport_protocol").invalid("\"" + transport + "\" is not supported ("
                    + FilterChainMatch.RAW_BUFFER + " or " + FilterChainMatch.TLS + ")");
        }
        List<String> protocols = new ArrayList<>();
        for (int i = 0; i < match.getApplicationProtocolsCount(); i++) {
            String protocol = match.getApplicationProtocols(i).toLowerCase(Locale.ROOT);
            if (protocol.equals("h2")) {
                throw path.field("application_protocols").index(i).invalid("\"h2\" is negotiated by ALPN inside TLS, "
                        + "which Outrigger does not inspect yet; plain-text HTTP/2 is \"h2c\"");
            }
            if (!APPLICATION_PROTOCOLS.contains(protocol)) {
                throw path.field("application_protocols").index(i).invalid("\"" + match.getApplicationProtocols(i)
                        + "\" is not supported (http/1.0, http/1.1 or h2c)");
            }
            if (!protocols.contains(protocol)) {
                protocols.add(protocol);
            }
        }
        return new FilterChainMatch(port, transport, protocols);
    }

    private static Draft filter(FilterChain chain, FilterChainMatch match, FieldPath path)
            throws ResourceInvalidException {
        FieldPath filters = path.field("filters");
        int count = chain.getFiltersCount();
        if (count == 0) {
            throw filters.invalid("a network filter is required: " + EITHER + " (last)");
        }
        List<NetworkFilterConfig> before = new ArrayList<>();
        for (int i = 0; i < count - 1; i++) {
            before.add(networkFilter(chain.getFilters(i), filters.index(i)));
        }
        Filter filter = chain.getFilters(count - 1);
        FieldPath filterPath = filters.index(count - 1);
        FieldCheck.only(filter, filterPath, "name", "typed_config");
        if (filter.getName().isEmpty()) {
            throw filterPath.field("name").invalid("required (" + EITHER + ")");
        }
        FieldPath configPath = filterPath.field("typed_config");
        if (!filter.hasTypedConfig()) {
            throw configPath.invalid("required: an " + HttpConnectionManager.getDescriptor().getFullName() + " or a "
                    + TcpProxy.getDescriptor().getFullName());
        }
        // As in Envoy, the type of typed_config selects the filter; the name is a label.
        String type = ConfigValues.typeName(filter.getTypedConfig());
        if (type.equals(HttpConnectionManager.getDescriptor().getFullName())) {
            HttpConnectionManager hcm = ConfigValues.unpack(filter.getTypedConfig(), HttpConnectionManager.class,
                    configPath);
            return withTls(new Draft(chain.getName(), match, HcmTranslator.translate(hcm, configPath), null, path, null,
                    before), chain, path);
        }
        if (type.equals(TcpProxy.getDescriptor().getFullName())) {
            TcpProxy proxy = ConfigValues.unpack(filter.getTypedConfig(), TcpProxy.class, configPath);
            return withTls(new Draft(chain.getName(), match, null, TcpProxyTranslator.translate(proxy, configPath), path,
                    null, before), chain, path);
        }
        if (NetworkFilterRegistry.filter(type) != null) {
            throw filterPath.invalid(filter.getName() + " (" + type + ") cannot end a filter chain: the last filter is "
                    + EITHER);
        }
        throw filterPath.invalid(filter.getName() + " (" + type + ") is not supported; the last network filter is "
                + EITHER);
    }

    /** A network filter before the terminal one: one Outrigger implements. */
    private static NetworkFilterConfig networkFilter(Filter filter, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(filter, path, "name", "typed_config");
        if (!filter.hasTypedConfig()) {
            throw path.field("typed_config").invalid("required");
        }
        String type = ConfigValues.typeName(filter.getTypedConfig());
        NetworkFilterRegistry.Translator translator = NetworkFilterRegistry.filter(type);
        if (translator == null) {
            boolean terminal = type.equals(HttpConnectionManager.getDescriptor().getFullName())
                    || type.equals(TcpProxy.getDescriptor().getFullName());
            String known = NetworkFilterRegistry.known();
            throw path.invalid(filter.getName() + " (" + type + ") " + (terminal
                    ? "must be the last filter of the chain"
                    : "is not supported" + (known.isEmpty() ? "" : " before " + EITHER + " (supported: " + known + ")")));
        }
        return new NetworkFilterConfig(filter.getName(), type,
                translator.translate(filter.getName(), filter.getTypedConfig(), path.field("typed_config")));
    }
}
