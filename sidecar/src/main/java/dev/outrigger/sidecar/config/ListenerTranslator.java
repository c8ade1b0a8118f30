package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.sidecar.route.RouteSource;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Translates Envoy's {@code Listener}: an IP address, its filter chains (each with the HTTP
 * connection manager or the TCP proxy), an optional default chain, and the inspectors that tell
 * the protocol of a connection before a chain is chosen.
 */
final class ListenerTranslator {

    private ListenerTranslator() {
    }

    /** Finds the routes of an HTTP chain (inline, or by RDS name), once every listener has been checked. */
    @FunctionalInterface
    interface RouteTables {

        /** The route source of {@code http}. */
        RouteSource translate(HcmTranslator.Draft http) throws ResourceInvalidException;
    }

    /**
     * A checked listener whose HTTP chains wait for their route tables.
     *
     * @param name the listener's name
     * @param address where it binds
     * @param chains its {@code filter_chains}, in order
     * @param defaultChain its {@code default_filter_chain}, or null
     * @param detection its listener filters, or null when it has none
     * @param path where the listener is, for errors found across listeners
     */
    record Draft(String name, InetSocketAddress address, List<FilterChainTranslator.Draft> chains,
            FilterChainTranslator.Draft defaultChain, ProtocolDetection detection, FieldPath path) {

        Draft {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            chains = List.copyOf(chains);
            Objects.requireNonNull(path, "path");
        }

        /** Every chain, the default one last. */
        List<FilterChainTranslator.Draft> allChains() {
            List<FilterChainTranslator.Draft> all = new ArrayList<>(chains);
            if (defaultChain != null) {
                all.add(defaultChain);
            }
            return Collections.unmodifiableList(all);
        }

        /** The finished listener; {@code routes} is asked for the route table of each HTTP chain, in chain order. */
        ListenerConfig complete(RouteTables routes) throws ResourceInvalidException {
            List<FilterChainConfig> done = new ArrayList<>();
            for (FilterChainTranslator.Draft chain : chains) {
                done.add(complete(chain, routes));
            }
            FilterChainConfig defaultDone = defaultChain == null ? null : complete(defaultChain, routes);
            return new ListenerConfig(name, address, done, defaultDone, detection);
        }

        private static FilterChainConfig complete(FilterChainTranslator.Draft chain, RouteTables routes)
                throws ResourceInvalidException {
            return chain.complete(chain.http() == null ? null : routes.translate(chain.http()));
        }
    }

    /** Checks {@code listener} found at {@code path}. */
    static Draft translate(Listener listener, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(listener, path, "name", "address", "filter_chains", "default_filter_chain", "listener_filters",
                "listener_filters_timeout", "continue_on_listener_filters_timeout");
        if (listener.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        if (!listener.hasAddress()) {
            throw path.field("address").invalid("required: the address to listen on");
        }
        InetSocketAddress address = AddressTranslator.bindAddress(listener.getAddress(), path.field("address"),
                AddressTranslator.Use.LISTENER);
        ProtocolDetection detection = ListenerFiltersTranslator.translate(listener, path);
        FieldPath chainsPath = path.field("filter_chains");
        if (listener.getFilterChainsCount() == 0 && !listener.hasDefaultFilterChain()) {
            throw chainsPath.invalid("at least one filter chain is required (or a default_filter_chain)");
        }
        List<FilterChainTranslator.Draft> chains = new ArrayList<>();
        for (int i = 0; i < listener.getFilterChainsCount(); i++) {
            FilterChainTranslator.Draft chain = FilterChainTranslator.translate(listener.getFilterChains(i),
                    chainsPath.index(i));
            checkInspectors(chain, detection);
            checkNameUnique(chain, chains);
            checkUnique(chain, chains);
            chains.add(chain);
        }
        FilterChainTranslator.Draft defaultChain = null;
        if (listener.hasDefaultFilterChain()) {
            defaultChain = FilterChainTranslator.translateDefault(listener.getDefaultFilterChain(),
                    path.field("default_filter_chain"));
            checkNameUnique(defaultChain, chains);
        }
        return new Draft(listener.getName(), address, chains, defaultChain, detection, path);
    }

    // A criterion no inspector reports can never match: reject the chain rather than let it sit unused.
    // Without inspectors every connection counts as raw_buffer, as in Envoy.
    private static void checkInspectors(FilterChainTranslator.Draft chain, ProtocolDetection detection)
            throws ResourceInvalidException {
        FilterChainMatch match = chain.match();
        boolean http = detection != null && detection.http();
        boolean tls = detection != null && detection.tls();
        FieldPath at = chain.path().field("filter_chain_match");
        if (match.transportProtocol().equals(FilterChainMatch.TLS) && !tls) {
            throw at.field("transport_protocol").invalid("tls needs " + ListenerFiltersTranslator.TLS_INSPECTOR
                    + " in listener_filters");
        }
        if (match.applicationProtocols().isEmpty()) {
            return;
        }
        // On TLS the protocols come from the ClientHello's ALPN; in plain text from the HTTP inspector.
        boolean reported = switch (match.transportProtocol()) {
            case FilterChainMatch.TLS -> tls;
            case FilterChainMatch.RAW_BUFFER -> http;
            default -> http || tls;
        };
        if (!reported) {
            throw at.field("application_protocols").invalid(match.transportProtocol().equals(FilterChainMatch.TLS)
                    ? "application_protocols needs " + ListenerFiltersTranslator.TLS_INSPECTOR + " (TLS ALPN)"
                    : "application_protocols needs " + ListenerFiltersTranslator.HTTP_INSPECTOR);
        }
    }

    // Chain names label a chain in errors and statistics, so two chains must not share one.
    private static void checkNameUnique(FilterChainTranslator.Draft chain, List<FilterChainTranslator.Draft> earlier)
            throws ResourceInvalidException {
        if (chain.name().isEmpty()) {
            return;
        }
        for (FilterChainTranslator.Draft other : earlier) {
            if (other.name().equals(chain.name())) {
                throw chain.path().field("name").invalid("duplicate filter chain name \"" + chain.name() + "\" (also "
                        + other.where() + ")");
            }
        }
    }

    // Envoy refuses two chains one connection could match equally well: which one wins would be arbitrary.
    private static void checkUnique(FilterChainTranslator.Draft chain, List<FilterChainTranslator.Draft> earlier)
            throws ResourceInvalidException {
        FilterChainMatch m = chain.match();
        for (FilterChainTranslator.Draft other : earlier) {
            FilterChainMatch o = other.match();
            if (m.destinationPort() != o.destinationPort() || !m.transportProtocol().equals(o.transportProtocol())) {
                continue;
            }
            List<String> common = new ArrayList<>(m.applicationProtocols());
            common.retainAll(o.applicationProtocols());
            if (m.applicationProtocols().isEmpty() == o.applicationProtocols().isEmpty()
                    && (m.applicationProtocols().isEmpty() || !common.isEmpty())) {
                throw chain.path().invalid("multiple filter chains with the same matching rules: "
                        + chain.label() + " and " + other.label() + " both match " + describe(m, common));
            }
        }
    }

    private static String describe(FilterChainMatch m, List<String> protocols) {
        List<String> parts = new ArrayList<>();
        if (m.destinationPort() != 0) {
            parts.add("destination_port " + m.destinationPort());
        }
        if (!m.transportProtocol().isEmpty()) {
            parts.add("transport_protocol " + m.transportProtocol());
        }
        if (!protocols.isEmpty()) {
            parts.add("application_protocols " + String.join(", ", protocols));
        }
        return parts.isEmpty() ? "every connection" : String.join("; ", parts);
    }
}
