package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Translates Envoy's {@code Listener}: an IP address and exactly one filter chain whose only
 * network filter is the HTTP connection manager.
 */
final class ListenerTranslator {

    /** The name Envoy gives the HTTP connection manager network filter. */
    static final String HCM = "envoy.filters.network.http_connection_manager";

    private ListenerTranslator() {
    }

    /**
     * A checked listener waiting for its route table.
     *
     * @param name the listener's name
     * @param address where it binds
     * @param http its HTTP connection manager
     * @param path where the listener is, for errors found across listeners
     */
    record Draft(String name, InetSocketAddress address, HcmTranslator.Draft http, FieldPath path) {

        Draft {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(path, "path");
        }

        /** The finished listener, with {@code routes} translated from {@code http().routeConfig()}. */
        ListenerConfig complete(RouteTable routes) {
            return new ListenerConfig(name, address, http.complete(routes));
        }
    }

    /** Checks {@code listener} found at {@code path}. */
    static Draft translate(Listener listener, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(listener, path, "name", "address", "filter_chains");
        if (listener.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        if (!listener.hasAddress()) {
            throw path.field("address").invalid("required: the address to listen on");
        }
        InetSocketAddress address = AddressTranslator.bindAddress(listener.getAddress(), path.field("address"),
                AddressTranslator.Use.LISTENER);
        FieldPath chains = path.field("filter_chains");
        if (listener.getFilterChainsCount() == 0) {
            throw chains.invalid("exactly one filter chain is required");
        }
        if (listener.getFilterChainsCount() > 1) {
            throw chains.index(1).invalid("only one filter chain per listener is supported yet");
        }
        HttpConnectionManager hcm = httpConnectionManager(listener.getFilterChains(0), chains.index(0));
        FieldPath hcmPath = chains.index(0).field("filters").index(0).field("typed_config");
        return new Draft(listener.getName(), address, HcmTranslator.translate(hcm, hcmPath), path);
    }

    private static HttpConnectionManager httpConnectionManager(FilterChain chain, FieldPath path)
            throws ResourceInvalidException {
        if (chain.hasFilterChainMatch()) {
            throw path.field("filter_chain_match").invalid("filter_chain_match is not supported yet");
        }
        if (chain.hasTransportSocket()) {
            throw path.field("transport_socket").invalid("transport_socket (TLS) is not supported yet");
        }
        // name only labels the chain (Envoy uses it for filter_chain_matcher, which is rejected).
        FieldCheck.only(chain, path, "name", "filters");
        FieldPath filters = path.field("filters");
        if (chain.getFiltersCount() == 0) {
            throw filters.invalid("exactly one filter, " + HCM + ", is required");
        }
        if (chain.getFiltersCount() > 1) {
            throw filters.index(1).invalid("only one network filter (" + HCM + ") per chain is supported");
        }
        Filter filter = chain.getFilters(0);
        FieldPath filterPath = filters.index(0);
        FieldCheck.only(filter, filterPath, "name", "typed_config");
        if (filter.getName().isEmpty()) {
            throw filterPath.field("name").invalid("required (" + HCM + ")");
        }
        if (!filter.hasTypedConfig()) {
            throw filterPath.field("typed_config").invalid("required: an "
                    + HttpConnectionManager.getDescriptor().getFullName());
        }
        // As in Envoy, the type of typed_config selects the filter; the name is a label.
        String type = ConfigValues.typeName(filter.getTypedConfig());
        if (!type.equals(HttpConnectionManager.getDescriptor().getFullName())) {
            throw filterPath.invalid(filter.getName() + " (" + type + ") is not supported; the only network filter is "
                    + HCM);
        }
        return ConfigValues.unpack(filter.getTypedConfig(), HttpConnectionManager.class,
                filterPath.field("typed_config"));
    }
}
