package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.DEMO_CLUSTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTES;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.translateWithRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderRules;
import dev.outrigger.sidecar.route.PathMatcher;
import dev.outrigger.sidecar.route.Route;
import dev.outrigger.sidecar.route.RouteMatch;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.route.VirtualHost;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapTranslatorTest {

    private static final String HCM_LINES = "stat_prefix: s\n" + ROUTES + ROUTER;

    @Test
    void duplicateListenerNamesAreRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("a", "127.0.0.1", 15002)),
                "static_resources.listeners[1].name", "duplicate listener name \"a\" (also listeners[0])");
    }

    @Test
    void duplicateListenerAddressesAreRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("b", "127.0.0.1", 15001)),
                "static_resources.listeners[1].address", "127.0.0.1:15001 clashes with listener \"a\" at 127.0.0.1:15001");
    }

    @Test
    void wildcardAddressClashesWithEverySpecificOneOnItsPort() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("b", "0.0.0.0", 15001)),
                "static_resources.listeners[1].address", "0.0.0.0:15001 clashes with listener \"a\" at 127.0.0.1:15001");
        assertRejected(bootstrap(listener("a", "::", 15001) + listener("b", "10.1.2.3", 15001)),
                "static_resources.listeners[1].address", "10.1.2.3:15001 clashes with listener \"a\" at [::]:15001");
    }

    @Test
    void listenerOnTheAdminAddressIsRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15000)), "static_resources.listeners[0].address",
                "127.0.0.1:15000 clashes with the admin endpoint at 127.0.0.1:15000");
    }

    @Test
    void errorsInClustersAreFoundBeforeRoutesAreTranslated() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001)) + "  clusters:\n  - name: demo\n",
                "static_resources.clusters[0].load_assignment",
                "a STATIC cluster needs at least one endpoint in load_assignment.endpoints[].lb_endpoints");
    }

    @Test
    void fullTranslation() throws Exception {
        BootstrapConfig config = translateWithRoutes(parse("node: { id: n1 }\n"
                + bootstrap(listener("outbound", "127.0.0.1", 15001) + listener("inbound", "0.0.0.0", 15006))
                + "  clusters:\n" + TestBootstraps.indent(DEMO_CLUSTER, 2)));

        assertEquals("n1", config.server().nodeId());
        assertEquals("static", config.snapshot().version());
        assertEquals(2, config.snapshot().listeners().size());
        ListenerConfig outbound = config.snapshot().listeners().get(0);
        assertEquals("outbound", outbound.name());
        assertEquals(new InetSocketAddress("127.0.0.1", 15001), outbound.address());
        HttpConnectionManagerConfig http = outbound.http();
        assertEquals("s", http.statPrefix());
        assertEquals(HttpConnectionManagerConfig.Codec.AUTO, http.codec());
        assertEquals("inbound", config.snapshot().listeners().get(1).name());
        assertEquals("demo", config.snapshot().cluster("demo").name());
        assertTrue(config.snapshot().configDumpJson().contains("\"outbound\""));
    }

    @Test
    void ephemeralPortsNeverClash() throws Exception {
        BootstrapConfig config = translateWithRoutes(parse(bootstrap(
                listener("a", "127.0.0.1", 0) + listener("b", "127.0.0.1", 0))));
        assertEquals(2, config.snapshot().listeners().size());
    }

    @Test
    void routeToAnUnknownClusterIsAccepted() throws Exception {
        // As in Envoy: such a request is answered 503 at run time; the config itself is fine.
        BootstrapConfig config = translateWithRoutes(parse(bootstrap(listener("a", "127.0.0.1", 15001))));
        assertTrue(config.snapshot().clusters().isEmpty());
        assertEquals(1, config.snapshot().listeners().size());
    }

    @Test
    void detectionListenerBecomesTheseRecords() throws Exception {
        BootstrapConfig config = BootstrapTranslator.translate(parse("""
                static_resources:
                  listeners:
                  - name: inbound
                    address: { socket_address: { address: 0.0.0.0, port_value: 15006 } }
                    listener_filters:
                    - name: envoy.filters.listener.http_inspector
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector
                    - name: envoy.filters.listener.tls_inspector
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
                    listener_filters_timeout: 0.5s
                    continue_on_listener_filters_timeout: true
                    filter_chains:
                    - name: http
                      filter_chain_match: { application_protocols: [http/1.1, h2c] }
                      filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound_http
                          http2_protocol_options: { max_concurrent_streams: 64 }
                          upgrade_configs: [ { upgrade_type: websocket } ]
                          route_config:
                            name: local
                            virtual_hosts:
                            - name: all
                              domains: ["*"]
                              routes:
                              - match: { prefix: "/" }
                                route: { cluster: app }
                          http_filters:
                          - name: envoy.filters.http.router
                    default_filter_chain:
                      name: tcp
                      filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: inbound_tcp
                          cluster: app
                """));

        RouteTable routes = new RouteTable("local", List.of(new VirtualHost("all", List.of("*"), List.of(
                new Route("", RouteMatch.path(new PathMatcher.Prefix("/", true)), ForwardAction.toCluster("app"))))),
                HeaderRules.NONE, false);
        HttpConnectionManagerConfig hcm = new HttpConnectionManagerConfig("inbound_http", routes,
                HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT, HttpConnectionManagerConfig.DEFAULT_MAX_REQUEST_HEADERS_BYTES,
                true, false, false, false, HttpConnectionManagerConfig.DEFAULT_SERVER_NAME,
                HttpConnectionManagerConfig.Codec.AUTO, List.of(), new Http2Settings(64, 65_536, 1_048_576),
                Set.of("websocket"));
        ListenerConfig expected = new ListenerConfig("inbound", new InetSocketAddress("0.0.0.0", 15006),
                List.of(FilterChainConfig.http("http", new FilterChainMatch(0, "", List.of("http/1.1", "h2c")), hcm)),
                FilterChainConfig.tcp("tcp", FilterChainMatch.ANY, new TcpProxyConfig("inbound_tcp",
                        List.of(new ClusterWeight("app", 1)), TcpProxyConfig.DEFAULT_IDLE_TIMEOUT)),
                new ProtocolDetection(true, true, Duration.ofMillis(500)));

        assertEquals(expected, config.snapshot().listeners().get(0));
        assertTrue(config.snapshot().configDumpJson().contains("\"stat_prefix\": \"inbound_tcp\""),
                "the TCP proxy is in /config_dump");
    }

    @Test
    void everyHttpChainGetsItsOwnRoutes() throws Exception {
        BootstrapConfig config = BootstrapTranslator.translate(parse(ListenerYaml.listener("filter_chains:\n"
                + ListenerYaml.entry("filter_chain_match: { destination_port: 80 }\n" + ListenerYaml.http("a"))
                + ListenerYaml.entry("filter_chain_match: { destination_port: 81 }\n"
                        + ListenerYaml.http("b").replace("name: local", "name: second"))
                + "default_filter_chain:\n" + TestBootstraps.indent(ListenerYaml.http("c")
                        .replace("name: local", "name: third"), 2))));
        ListenerConfig listener = config.snapshot().listeners().get(0);
        assertEquals(List.of("local", "second", "third"), listener.allFilterChains().stream()
                .map(c -> c.http().routeTable().name()).toList());
        assertTrue(config.snapshot().configDumpJson().contains("\"name\": \"third\""));
    }

    @Test
    void routeErrorsOfALaterChainNameTheirPath() {
        assertRejected(ListenerYaml.listener("filter_chains:\n"
                        + ListenerYaml.entry("filter_chain_match: { destination_port: 80 }\n" + ListenerYaml.http("a"))
                        + "default_filter_chain:\n" + TestBootstraps.indent(ListenerYaml.http("c")
                                .replace("route: { cluster: demo }", "route: { cluster: \"\" }"), 2)),
                "static_resources.listeners[0].default_filter_chain.filters[0].typed_config.route_config"
                        + ".virtual_hosts[0].routes[0].route.cluster", "must not be empty");
    }

    static String bootstrap(String listenerEntries) {
        return "static_resources:\n  listeners:\n" + listenerEntries;
    }

    static String listener(String name, String address, int port) {
        String hcm = TestBootstraps.withHcm(HCM_LINES);
        String entry = hcm.substring(hcm.indexOf("  - name: outbound"));
        return entry.replace("name: outbound", "name: " + name)
                .replace("address: 127.0.0.1, port_value: 15001", "address: \"" + address + "\", port_value: " + port);
    }
}
