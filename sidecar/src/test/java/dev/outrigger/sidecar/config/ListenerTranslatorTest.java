package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.ListenerYaml.L0;
import static dev.outrigger.sidecar.config.ListenerYaml.draft;
import static dev.outrigger.sidecar.config.ListenerYaml.entry;
import static dev.outrigger.sidecar.config.ListenerYaml.http;
import static dev.outrigger.sidecar.config.ListenerYaml.listener;
import static dev.outrigger.sidecar.config.ListenerYaml.tcp;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTES;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.withHcm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.xds.FieldPath;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {

    private static final String HCM_LINES = "stat_prefix: out\n" + ROUTES + ROUTER;
    private static final String VALID = withHcm(HCM_LINES);
    private static final String CHAIN0 = L0 + ".filter_chains[0]";

    @Test
    void mapsNameAddressAndHcm() throws Exception {
        ListenerTranslator.Draft draft = draft(VALID);
        assertEquals("outbound", draft.name());
        assertEquals(new InetSocketAddress("127.0.0.1", 15001), draft.address());
        assertEquals(1, draft.chains().size());
        assertEquals("out", draft.chains().get(0).http().statPrefix());
        assertEquals(FilterChainMatch.ANY, draft.chains().get(0).match());
        assertNull(draft.defaultChain());
        assertNull(draft.detection(), "no listener_filters: nothing is inspected");
        assertEquals(FieldPath.of(L0), draft.path());
    }

    @Test
    void wildcardIpv6AndEphemeralPort() throws Exception {
        ListenerTranslator.Draft draft = draft(VALID.replace("address: 127.0.0.1, port_value: 15001",
                "address: \"::\", port_value: 0"));
        assertEquals(new InetSocketAddress("::", 0), draft.address());
    }

    @Test
    void namedFilterChainKeepsItsName() throws Exception {
        assertEquals("main", draft(VALID.replace("    - filters:", "    - name: main\n      filters:"))
                .chains().get(0).name());
    }

    @Test
    void severalChainsAndADefaultChainBecomeTheseRecords() throws Exception {
        ListenerConfig listener = ListenerYaml.translate(listener("filter_chains:\n"
                + entry("name: port-80\nfilter_chain_match: { destination_port: 80 }\n" + http("web"))
                + entry("name: port-5432\nfilter_chain_match: { destination_port: 5432 }\n"
                        + tcp("stat_prefix: db\ncluster: postgres\n"))
                + "default_filter_chain:\n" + TestBootstraps.indent("name: rest\n" + tcp("stat_prefix: rest\n"
                        + "cluster: passthrough\nidle_timeout: 0s\n"), 2)));

        assertEquals("in", listener.name());
        assertEquals(2, listener.filterChains().size());
        FilterChainConfig web = listener.filterChains().get(0);
        assertEquals("port-80", web.name());
        assertEquals(new FilterChainMatch(80, "", List.of()), web.match());
        assertEquals("web", web.http().statPrefix());
        assertEquals("local", web.http().routeTable().name(), "each HTTP chain gets its route table");
        assertEquals(FilterChainConfig.tcp("port-5432", new FilterChainMatch(5432, "", List.of()),
                new TcpProxyConfig("db", List.of(new ClusterWeight("postgres", 1)), TcpProxyConfig.DEFAULT_IDLE_TIMEOUT)),
                listener.filterChains().get(1));
        assertEquals(FilterChainConfig.tcp("rest", FilterChainMatch.ANY,
                new TcpProxyConfig("rest", List.of(new ClusterWeight("passthrough", 1)), java.time.Duration.ZERO)),
                listener.defaultFilterChain());
        assertNull(listener.detection());
    }

    @Test
    void aDefaultChainAloneIsEnough() throws Exception {
        ListenerConfig listener = ListenerYaml.translate(listener("default_filter_chain:\n"
                + TestBootstraps.indent(http("all"), 2)));
        assertEquals(List.of(), listener.filterChains());
        assertEquals("all", listener.defaultFilterChain().http().statPrefix());
        assertEquals("all", listener.http().statPrefix());
    }

    @Test
    void nameIsRequired() {
        assertRejected(VALID.replace("  - name: outbound\n    address:", "  - address:"), L0 + ".name", "required");
    }

    @Test
    void addressIsRequiredAndMustBeAnIpLiteral() {
        assertRejected(VALID.replace("    address: { socket_address: { address: 127.0.0.1, port_value: 15001 } }\n", ""),
                L0 + ".address", "required: the address to listen on");
        assertRejected(VALID.replace("address: 127.0.0.1,", "address: localhost,"), L0 + ".address.socket_address.address",
                "\"localhost\" is not an IP address; a listener binds to an IP literal such as 0.0.0.0, :: or 127.0.0.1");
        assertRejected(VALID.replace("address: 127.0.0.1, port_value: 15001", "port_value: 15001"),
                L0 + ".address.socket_address.address", "required");
    }

    @Test
    void aChainIsRequired() {
        assertRejected(VALID.substring(0, VALID.indexOf("    filter_chains:")) + "    filter_chains: []\n",
                L0 + ".filter_chains", "at least one filter chain is required (or a default_filter_chain)");
    }

    @Test
    void aTransportSocketNeedsItsTlsContext() {
        assertRejected(VALID.replace("    - filters:", "    - transport_socket: { name: envoy.transport_sockets.tls }\n"
                        + "      filters:"),
                CHAIN0 + ".transport_socket.typed_config", "required");
        assertRejected(VALID.replace("    - filters:", "    - transport_socket: { name: envoy.transport_sockets.alts, "
                        + "typed_config: { \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3"
                        + ".DownstreamTlsContext } }\n      filters:"),
                CHAIN0 + ".transport_socket.name", "envoy.transport_sockets.alts is not supported (only "
                        + "envoy.transport_sockets.tls)");
    }

    @Test
    void unsupportedChainFieldsAreNamed() {
        assertRejected(VALID.replace("    - filters:", "    - metadata: { filter_metadata: { a: { b: c } } }\n"
                        + "      filters:"),
                CHAIN0 + ".metadata", "field is not supported by Outrigger (supported here: filter_chain_match, "
                        + "filters, name, transport_socket)");
    }

    @Test
    void theTerminalFilterIsLastAndRequired() {
        String filter = VALID.substring(VALID.indexOf("      - name: envoy.filters.network.http_connection_manager"));
        assertRejected(VALID + filter, CHAIN0 + ".filters[0]", "envoy.filters.network.http_connection_manager"
                + " (envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager) must be the last"
                + " filter of the chain");
        assertRejected(VALID.substring(0, VALID.indexOf("    - filters:")) + "    - filters: []\n",
                CHAIN0 + ".filters", "a network filter is required:"
                        + " envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy (last)");
    }

    @Test
    void otherNetworkFiltersAreRejected() {
        assertRejected(listener("filter_chains:\n" + entry("""
                filters:
                - name: envoy.filters.network.echo
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo
                """)), CHAIN0 + ".filters[0]", "envoy.filters.network.echo"
                + " (envoy.extensions.filters.network.echo.v3.Echo) is not supported; the last network filter is"
                + " envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy");
    }

    @Test
    void theTypeNotTheNameSelectsTheFilter() throws Exception {
        ListenerTranslator.Draft draft = draft(listener("filter_chains:\n"
                + entry(tcp("stat_prefix: t\ncluster: c\n").replace("name: envoy.filters.network.tcp_proxy",
                        "name: my-proxy"))));
        assertEquals("t", draft.chains().get(0).tcp().statPrefix());
    }

    @Test
    void filterNeedsANameAndTypedConfig() {
        String noConfig = VALID.substring(0, VALID.indexOf("        typed_config:"));
        assertRejected(noConfig, CHAIN0 + ".filters[0].typed_config", "required: an"
                + " envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
                + " or a envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
        assertRejected(VALID.replace("      - name: envoy.filters.network.http_connection_manager\n        typed_config:",
                        "      - typed_config:"),
                CHAIN0 + ".filters[0].name",
                "required (envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy)");
    }

    @Test
    void unsupportedListenerFieldsAreNamed() {
        assertRejected(VALID.replace("  - name: outbound\n", "  - name: outbound\n    per_connection_buffer_limit_bytes: 1024\n"),
                L0 + ".per_connection_buffer_limit_bytes",
                "field is not supported by Outrigger (supported here: address, continue_on_listener_filters_timeout,"
                        + " default_filter_chain, filter_chains, listener_filters, listener_filters_timeout, name)");
        assertRejected(VALID.replace("  - name: outbound\n", "  - name: outbound\n    filter_chain_matcher: {}\n"),
                L0 + ".filter_chain_matcher", "field is not supported by Outrigger (supported here: address,"
                        + " continue_on_listener_filters_timeout, default_filter_chain, filter_chains, listener_filters,"
                        + " listener_filters_timeout, name)");
    }
}
