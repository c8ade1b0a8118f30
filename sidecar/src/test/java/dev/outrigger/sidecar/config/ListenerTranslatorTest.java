package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.ROUTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTES;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withHcm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.xds.FieldPath;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {

    private static final String L0 = "static_resources.listeners[0]";
    private static final String HCM_LINES = "stat_prefix: out\n" + ROUTES + ROUTER;
    private static final String VALID = withHcm(HCM_LINES);

    @Test
    void mapsNameAddressAndHcm() throws Exception {
        ListenerTranslator.Draft draft = draft(VALID);
        assertEquals("outbound", draft.name());
        assertEquals(new InetSocketAddress("127.0.0.1", 15001), draft.address());
        assertEquals("out", draft.http().statPrefix());
        assertEquals(FieldPath.of(L0), draft.path());
    }

    @Test
    void wildcardIpv6AndEphemeralPort() throws Exception {
        ListenerTranslator.Draft draft = draft(VALID.replace("address: 127.0.0.1, port_value: 15001",
                "address: \"::\", port_value: 0"));
        assertEquals(new InetSocketAddress("::", 0), draft.address());
    }

    @Test
    void namedFilterChainIsAccepted() throws Exception {
        assertEquals("outbound", draft(VALID.replace("    - filters:", "    - name: main\n      filters:")).name());
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
    void exactlyOneFilterChain() {
        assertRejected(VALID.substring(0, VALID.indexOf("    filter_chains:")) + "    filter_chains: []\n",
                L0 + ".filter_chains", "exactly one filter chain is required");
        String chain = VALID.substring(VALID.indexOf("    - filters:"));
        assertRejected(VALID + chain, L0 + ".filter_chains[1]", "only one filter chain per listener is supported yet");
    }

    @Test
    void filterChainMatchAndTransportSocketAreNotSupportedYet() {
        assertRejected(VALID.replace("    - filters:", "    - filter_chain_match: { destination_port: 80 }\n      filters:"),
                L0 + ".filter_chains[0].filter_chain_match", "filter_chain_match is not supported yet");
        assertRejected(VALID.replace("    - filters:", "    - transport_socket: { name: envoy.transport_sockets.tls }\n"
                        + "      filters:"),
                L0 + ".filter_chains[0].transport_socket", "transport_socket (TLS) is not supported yet");
    }

    @Test
    void exactlyOneNetworkFilter() {
        String filter = VALID.substring(VALID.indexOf("      - name: envoy.filters.network.http_connection_manager"));
        assertRejected(VALID + filter, L0 + ".filter_chains[0].filters[1]",
                "only one network filter (envoy.filters.network.http_connection_manager) per chain is supported");
        assertRejected(VALID.substring(0, VALID.indexOf("    - filters:")) + "    - filters: []\n",
                L0 + ".filter_chains[0].filters", "exactly one filter, envoy.filters.network.http_connection_manager, is required");
    }

    @Test
    void otherNetworkFiltersAreRejected() {
        assertRejected("""
                static_resources:
                  listeners:
                  - name: tcp
                    address: { socket_address: { address: 0.0.0.0, port_value: 9000 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: tcp
                          cluster: demo
                """, L0 + ".filter_chains[0].filters[0]", "envoy.filters.network.tcp_proxy"
                + " (envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy) is not supported;"
                + " the only network filter is envoy.filters.network.http_connection_manager");
    }

    @Test
    void filterNeedsTypedConfig() {
        String noConfig = VALID.substring(0, VALID.indexOf("        typed_config:"));
        assertRejected(noConfig, L0 + ".filter_chains[0].filters[0].typed_config",
                "required: an envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    }

    @Test
    void unsupportedListenerFieldsAreNamed() {
        assertRejected(VALID.replace("  - name: outbound\n", "  - name: outbound\n    per_connection_buffer_limit_bytes: 1024\n"),
                L0 + ".per_connection_buffer_limit_bytes",
                "field is not supported by Outrigger (supported here: address, filter_chains, name)");
    }

    private static ListenerTranslator.Draft draft(String yaml) throws Exception {
        return ListenerTranslator.translate(parse(yaml).getStaticResources().getListeners(0), FieldPath.of(L0));
    }
}
