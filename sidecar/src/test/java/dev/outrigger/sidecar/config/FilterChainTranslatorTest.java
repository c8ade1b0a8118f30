package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.ListenerYaml.HTTP_INSPECTOR;
import static dev.outrigger.sidecar.config.ListenerYaml.L0;
import static dev.outrigger.sidecar.config.ListenerYaml.TLS_INSPECTOR;
import static dev.outrigger.sidecar.config.ListenerYaml.draft;
import static dev.outrigger.sidecar.config.ListenerYaml.entry;
import static dev.outrigger.sidecar.config.ListenerYaml.http;
import static dev.outrigger.sidecar.config.ListenerYaml.listener;
import static dev.outrigger.sidecar.config.ListenerYaml.tcp;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.indent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.listener.FilterChainMatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** filter_chain_match, default_filter_chain, and the checks across the chains of a listener. */
class FilterChainTranslatorTest {

    private static final String TCP = tcp("stat_prefix: t\ncluster: c\n");
    private static final String BOTH_INSPECTORS = "listener_filters:\n" + HTTP_INSPECTOR + TLS_INSPECTOR;

    private static String chains(String... entries) {
        return BOTH_INSPECTORS + "filter_chains:\n" + String.join("", entries);
    }

    private static String matching(String name, String match, String filters) {
        return entry((name.isEmpty() ? "" : "name: " + name + "\n") + "filter_chain_match: " + match + "\n" + filters);
    }

    private static FilterChainMatch match(String match) throws Exception {
        return draft(listener(chains(matching("", match, TCP)))).chains().get(0).match();
    }

    @Test
    void mapsEveryMatchField() throws Exception {
        assertEquals(new FilterChainMatch(8080, "raw_buffer", List.of("http/1.1", "h2c")), match(
                "{ destination_port: 8080, transport_protocol: raw_buffer, application_protocols: [HTTP/1.1, h2c, http/1.1] }"));
        assertEquals(new FilterChainMatch(0, "", List.of("http/1.0")),
                match("{ application_protocols: [http/1.0] }"));
        assertEquals(new FilterChainMatch(65535, "", List.of()), match("{ destination_port: 65535 }"));
        assertEquals(FilterChainMatch.ANY, match("{}"));
    }

    @Test
    void destinationPortRange() {
        assertRejected(listener(chains(matching("", "{ destination_port: 0 }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.destination_port", "port 0 is outside 1..65535");
        assertRejected(listener(chains(matching("", "{ destination_port: 65536 }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.destination_port", "port 65536 is outside 1..65535");
    }

    @Test
    void onlyRawBufferAndTlsTransportProtocols() {
        assertRejected(listener(chains(matching("", "{ transport_protocol: quic }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.transport_protocol",
                "\"quic\" is not supported (raw_buffer or tls)");
        assertRejected(listener(chains(matching("", "{ transport_protocol: TLS }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.transport_protocol",
                "\"TLS\" is not supported (raw_buffer or tls)");
    }

    @Test
    void onlyHttpApplicationProtocols() {
        assertRejected(listener(chains(matching("", "{ application_protocols: [h2c, istio-http/1.1] }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.application_protocols[1]",
                "\"istio-http/1.1\" is not supported (http/1.0, http/1.1 or h2c)");
    }

    @Test
    void otherMatchFieldsAreRejected() {
        assertRejected(listener(chains(matching("", "{ server_names: [a.example.com] }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.server_names", "field is not supported by Outrigger"
                        + " (supported here: application_protocols, destination_port, transport_protocol)");
        assertRejected(listener(chains(matching("", "{ source_type: SAME_IP_OR_LOOPBACK }", TCP))),
                L0 + ".filter_chains[0].filter_chain_match.source_type", "field is not supported by Outrigger"
                        + " (supported here: application_protocols, destination_port, transport_protocol)");
    }

    @Test
    void chainsWithTheSameMatchAreRejectedNamingBoth() {
        assertRejected(listener("filter_chains:\n" + entry(TCP) + entry(http("h"))),
                L0 + ".filter_chains[1]", "multiple filter chains with the same matching rules:"
                        + " filter_chains[1] and filter_chains[0] both match every connection");
        assertRejected(listener(chains(
                        matching("web", "{ application_protocols: [http/1.1, h2c] }", http("h")),
                        matching("", "{ destination_port: 80 }", TCP),
                        matching("grpc", "{ application_protocols: [h2c] }", http("g")))),
                L0 + ".filter_chains[2]", "multiple filter chains with the same matching rules:"
                        + " filter_chains[2] (\"grpc\") and filter_chains[0] (\"web\") both match"
                        + " application_protocols h2c");
        assertRejected(listener(chains(
                        matching("a", "{ destination_port: 80, transport_protocol: raw_buffer }", TCP),
                        matching("b", "{ transport_protocol: raw_buffer, destination_port: 80 }", TCP))),
                L0 + ".filter_chains[1]", "multiple filter chains with the same matching rules:"
                        + " filter_chains[1] (\"b\") and filter_chains[0] (\"a\") both match"
                        + " destination_port 80; transport_protocol raw_buffer");
    }

    @Test
    void chainsDifferingInAnyCriterionAreFine() throws Exception {
        ListenerTranslator.Draft draft = draft(listener(chains(
                matching("", "{ application_protocols: [http/1.1] }", http("a")),
                matching("", "{ application_protocols: [h2c] }", http("b")),
                matching("", "{ destination_port: 80, application_protocols: [h2c] }", http("c")),
                matching("", "{ transport_protocol: raw_buffer, application_protocols: [h2c] }", http("d")),
                matching("", "{ transport_protocol: tls }", TCP),
                entry(tcp("stat_prefix: rest\ncluster: c\n")))));
        assertEquals(6, draft.chains().size());
    }

    @Test
    void chainNamesAreUnique() {
        assertRejected(listener(chains(matching("web", "{ destination_port: 80 }", TCP),
                        matching("web", "{ destination_port: 81 }", TCP))),
                L0 + ".filter_chains[1].name", "duplicate filter chain name \"web\" (also filter_chains[0])");
        assertRejected(listener(chains(matching("web", "{ destination_port: 80 }", TCP)) + "default_filter_chain:\n"
                        + indent("name: web\n" + TCP, 2)),
                L0 + ".default_filter_chain.name", "duplicate filter chain name \"web\" (also filter_chains[0])");
    }

    @Test
    void defaultChainTakesNoMatch() throws Exception {
        assertRejected(listener("filter_chains:\n" + entry(http("h")) + "default_filter_chain:\n"
                        + indent("filter_chain_match: { destination_port: 80 }\n" + TCP, 2)),
                L0 + ".default_filter_chain.filter_chain_match", "Envoy ignores filter_chain_match on the default"
                        + " chain, which serves what no other chain matches; remove it");
        // the same rules as a chain are fine: the default chain is only used when no chain matches
        ListenerTranslator.Draft draft = draft(listener("filter_chains:\n" + entry(http("h"))
                + "default_filter_chain:\n" + indent(TCP, 2)));
        assertEquals(FilterChainMatch.ANY, draft.defaultChain().match());
        assertEquals("t", draft.defaultChain().tcp().statPrefix());
    }

    @Test
    void applicationProtocolsNeedTheHttpInspector() {
        String chain = matching("", "{ application_protocols: [http/1.1, h2c] }", http("h"));
        String reason = "application_protocols needs envoy.filters.listener.http_inspector";
        String at = L0 + ".filter_chains[0].filter_chain_match.application_protocols";
        assertRejected(listener("filter_chains:\n" + chain), at, reason);
        assertRejected(listener("listener_filters:\n" + TLS_INSPECTOR + "filter_chains:\n"
                + matching("", "{ transport_protocol: raw_buffer, application_protocols: [h2c] }", http("h"))),
                at, reason);
    }

    @Test
    void tlsNeedsTheTlsInspector() {
        assertRejected(listener("listener_filters:\n" + HTTP_INSPECTOR + "filter_chains:\n"
                        + matching("", "{ transport_protocol: tls }", TCP)),
                L0 + ".filter_chains[0].filter_chain_match.transport_protocol",
                "tls needs envoy.filters.listener.tls_inspector in listener_filters");
    }

    @Test
    void h2IsRefusedUntilTlsAlpnIsInspected() {
        assertRejected(listener("listener_filters:\n" + TLS_INSPECTOR + "filter_chains:\n"
                        + matching("", "{ transport_protocol: tls, application_protocols: [h2] }", TCP)),
                L0 + ".filter_chains[0].filter_chain_match.application_protocols[0]",
                "\"h2\" is negotiated by ALPN inside TLS, which Outrigger does not inspect yet; plain-text HTTP/2 is \"h2c\"");
    }

    @Test
    void rawBufferNeedsNoInspector() throws Exception {
        // without inspectors every connection counts as raw_buffer, as in Envoy
        ListenerTranslator.Draft draft = draft(listener("filter_chains:\n"
                + matching("", "{ transport_protocol: raw_buffer }", TCP)));
        assertEquals("raw_buffer", draft.chains().get(0).match().transportProtocol());
    }
}
