package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {

    private static final String C0 = "static_resources.clusters[0]";
    private static final String EP0 = C0 + ".load_assignment.endpoints[0].lb_endpoints[0]";

    @Test
    void mapsEveryField() throws Exception {
        ClusterConfig c = cluster("""
                - name: payments
                  type: STATIC
                  connect_timeout: 0.25s
                  lb_policy: ROUND_ROBIN
                  load_assignment:
                    cluster_name: payments
                    endpoints:
                    - lb_endpoints:
                      - endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 8080 } } }
                        load_balancing_weight: 3
                        health_status: HEALTHY
                      - endpoint: { address: { socket_address: { address: "2001:db8:0::7", port_value: 8443 } } }
                    - priority: 0
                      lb_endpoints:
                      - endpoint: { address: { socket_address: { address: 10.0.0.2, port_value: 8080, protocol: TCP } } }
                        health_status: UNKNOWN
                """);
        assertEquals("payments", c.name());
        assertEquals(Duration.ofMillis(250), c.connectTimeout());
        assertEquals(LbPolicy.ROUND_ROBIN, c.lbPolicy());
        assertEquals(List.of(
                new EndpointConfig("10.0.0.1", 8080, 3),
                new EndpointConfig("2001:db8::7", 8443, 1),
                new EndpointConfig("10.0.0.2", 8080, 1)), c.endpoints());
        assertEquals("[2001:db8::7]:8443", c.endpoints().get(1).hostPort());
    }

    @Test
    void defaults() throws Exception {
        ClusterConfig c = cluster(TestBootstraps.DEMO_CLUSTER);
        assertEquals(ClusterConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
        assertEquals(LbPolicy.ROUND_ROBIN, c.lbPolicy());
        assertEquals(ConnectionPoolSettings.DEFAULTS, c.pool());
        assertEquals(1, c.endpoints().get(0).weight());
    }

    @Test
    void clustersAreKeyedByName() throws Exception {
        var clusters = BootstrapTranslator.translate(parse(withClusters(TestBootstraps.DEMO_CLUSTER
                + TestBootstraps.DEMO_CLUSTER.replace("demo", "other")))).snapshot();
        assertEquals("other", clusters.cluster("other").name());
        assertEquals(2, clusters.clusters().size());
    }

    @Test
    void nameIsRequiredAndUnique() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER.replace("name: demo", "connect_timeout: 1s")),
                C0 + ".name", "required");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + TestBootstraps.DEMO_CLUSTER),
                "static_resources.clusters[1].name", "duplicate cluster name \"demo\" (also clusters[0])");
    }

    @Test
    void onlyStaticDiscovery() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  type: STRICT_DNS\n"), C0 + ".type",
                "STRICT_DNS is not supported yet (only STATIC)");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  type: EDS\n"), C0 + ".type",
                "EDS is not supported yet (only STATIC)");
    }

    @Test
    void connectTimeoutMustBePositive() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  connect_timeout: 0s\n"), C0 + ".connect_timeout",
                "must be greater than 0");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  connect_timeout: -2s\n"), C0 + ".connect_timeout",
                "must not be negative, got -2s");
    }

    @Test
    void onlyRoundRobin() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  lb_policy: LEAST_REQUEST\n"), C0 + ".lb_policy",
                "LEAST_REQUEST is not supported yet (only ROUND_ROBIN)");
    }

    @Test
    void atLeastOneEndpoint() {
        String reason = "a STATIC cluster needs at least one endpoint in load_assignment.endpoints[].lb_endpoints";
        assertRejected(withClusters("- name: demo\n"), C0 + ".load_assignment", reason);
        assertRejected(withClusters("- name: demo\n  load_assignment: { cluster_name: demo, endpoints: [ { lb_endpoints: [] } ] }\n"),
                C0 + ".load_assignment", reason);
    }

    @Test
    void endpointHostnamesAreRejected() {
        assertRejected(withClusters(endpoint("address: backend.internal, port_value: 80")),
                EP0 + ".endpoint.address.socket_address.address",
                "\"backend.internal\" is not an IP address; STATIC cluster endpoints must be IP literals"
                        + " (DNS clusters are not supported yet)");
    }

    @Test
    void endpointPortMustBeSet() {
        assertRejected(withClusters(endpoint("address: 10.0.0.1")), EP0 + ".endpoint.address.socket_address.port_value",
                "required; expected 1..65535");
        assertRejected(withClusters(endpoint("address: 10.0.0.1, port_value: 70000")),
                EP0 + ".endpoint.address.socket_address.port_value", "70000 is not a port; expected 1..65535");
    }

    @Test
    void bracketedIpv6IsExplained() {
        assertRejected(withClusters(endpoint("address: \"[::1]\", port_value: 80")),
                EP0 + ".endpoint.address.socket_address.address", "write the IPv6 address without brackets: ::1");
    }

    @Test
    void udpIsRejected() {
        assertRejected(withClusters(endpoint("address: 10.0.0.1, port_value: 53, protocol: UDP")),
                EP0 + ".endpoint.address.socket_address.protocol", "protocol UDP is not supported (only TCP)");
    }

    @Test
    void namedPortIsRejected() {
        assertRejected(withClusters(endpoint("address: 10.0.0.1, named_port: http")),
                EP0 + ".endpoint.address.socket_address.named_port",
                "field is not supported by Outrigger (supported here: address, port_value, protocol)");
    }

    @Test
    void pipeAddressIsRejected() {
        assertRejected(withClusters("""
                - name: demo
                  load_assignment:
                    endpoints:
                    - lb_endpoints:
                      - endpoint: { address: { pipe: { path: /tmp/app.sock } } }
                """), EP0 + ".endpoint.address.pipe", "field is not supported by Outrigger (supported here: socket_address)");
    }

    @Test
    void weightMustBeAtLeastOne() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "        load_balancing_weight: 0\n"),
                EP0 + ".load_balancing_weight", "0 is not a weight; expected 1..2147483647");
    }

    @Test
    void onlyUnknownOrHealthyStatus() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "        health_status: DRAINING\n"),
                EP0 + ".health_status", "DRAINING is not supported (UNKNOWN or HEALTHY)");
    }

    @Test
    void localityAndPriorityAreNotSupportedYet() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "      locality: { zone: a }\n"),
                C0 + ".load_assignment.endpoints[0].locality", "locality is not supported yet");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "      priority: 1\n"),
                C0 + ".load_assignment.endpoints[0].priority", "priority 1 is not supported yet (only 0)");
    }

    @Test
    void unsupportedClusterFieldsAreNamed() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  outlier_detection: { consecutive_5xx: 3 }\n"),
                C0 + ".outlier_detection", "field is not supported by Outrigger (supported here: circuit_breakers,"
                        + " connect_timeout, http2_protocol_options, lb_policy, load_assignment, name, type,"
                        + " typed_extension_protocol_options)");
    }

    @Test
    void unsupportedEndpointFieldsAreNamed() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "        metadata: { filter_metadata: { a: {} } }\n"),
                EP0 + ".metadata",
                "field is not supported by Outrigger (supported here: endpoint, health_status, load_balancing_weight)");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER.replace("- endpoint: {", "- endpoint: { hostname: a,")),
                EP0 + ".endpoint.hostname", "field is not supported by Outrigger (supported here: address)");
    }

    private static ClusterConfig cluster(String entry) throws Exception {
        var clusters = BootstrapTranslator.translate(parse(withClusters(entry))).snapshot().clusters();
        assertEquals(1, clusters.size());
        return clusters.values().iterator().next();
    }

    private static String endpoint(String socketAddress) {
        return """
                - name: demo
                  load_assignment:
                    endpoints:
                    - lb_endpoints:
                      - endpoint: { address: { socket_address: { %s } } }
                """.formatted(socketAddress);
    }
}
