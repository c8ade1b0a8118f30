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
                new EndpointConfig("10.0.0.1", 8080, 3, EndpointConfig.HealthStatus.HEALTHY, 0,
                        EndpointConfig.Locality.NONE),
                new EndpointConfig("2001:db8::7", 8443, 1),
                new EndpointConfig("10.0.0.2", 8080, 1)), c.endpoints());
        assertEquals("", c.edsServiceName());
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
                "STRICT_DNS is not supported yet (STATIC or EDS)");
    }

    @Test
    void connectTimeoutMustBePositive() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  connect_timeout: 0s\n"), C0 + ".connect_timeout",
                "must be greater than 0");
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  connect_timeout: -2s\n"), C0 + ".connect_timeout",
                "must not be negative, got -2s");
    }

    @Test
    void unsupportedLbPoliciesAreNamed() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  lb_policy: CLUSTER_PROVIDED\n"), C0 + ".lb_policy",
                "CLUSTER_PROVIDED is not supported (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, or"
                        + " load_balancing_policy)");
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
    void healthStatusLocalityAndPriorityAreKept() throws Exception {
        ClusterConfig c = cluster("""
                - name: demo
                  load_assignment:
                    endpoints:
                    - locality: { region: eu, zone: a }
                      priority: 2
                      lb_endpoints:
                      - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8081 } } }
                        health_status: DRAINING
                """);
        EndpointConfig e = c.endpoints().get(0);
        assertEquals(EndpointConfig.HealthStatus.DRAINING, e.health());
        assertEquals(new EndpointConfig.Locality("eu", "a", ""), e.locality());
        assertEquals(2, e.priority());
    }

    @Test
    void priorityIsBounded() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "      priority: 128\n"),
                C0 + ".load_assignment.endpoints[0].priority", "128 is out of range 0..127");
    }

    @Test
    void duplicateEndpointsAreRejected() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "      - endpoint: { address: { socket_address: "
                + "{ address: 127.0.0.1, port_value: 8081 } } }\n"),
                EP0.replace("lb_endpoints[0]", "lb_endpoints[1]") + ".endpoint",
                "duplicate endpoint 127.0.0.1:8081 (also " + EP0 + ")");
    }

    @Test
    void edsClustersNeedAdsAndNameTheirServiceName() {
        String eds = """
                - name: reviews
                  type: EDS
                  eds_cluster_config: { eds_config: { ads: {} }, service_name: reviews-v1 }
                """;
        assertRejected(withClusters(eds), C0 + ".type", "EDS needs dynamic_resources.ads_config: endpoints come over ADS");
        assertRejected(withClusters(eds.replace("ads: {}", "path: /x")), C0 + ".eds_cluster_config.eds_config.path",
                "only ads is supported: every dynamic resource comes over the ADS stream of "
                        + "dynamic_resources.ads_config");
        assertRejected(withClusters(eds + "  load_assignment: { cluster_name: x }\n"), C0 + ".load_assignment",
                "an EDS cluster takes its endpoints from EDS; remove it");
    }

    @Test
    void unsupportedClusterFieldsAreNamed() {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + "  cleanup_interval: 5s\n"),
                C0 + ".cleanup_interval", "field is not supported by Outrigger (supported here: circuit_breakers,"
                        + " connect_timeout, eds_cluster_config, health_checks, http2_protocol_options, lb_policy,"
                        + " least_request_lb_config, load_assignment, load_balancing_policy, maglev_lb_config, name,"
                        + " outlier_detection, ring_hash_lb_config, round_robin_lb_config, transport_socket, type,"
                        + " typed_extension_protocol_options)");
    }

    @Test
    void unsupportedEndpointFieldsAreNamed() throws Exception {
        // metadata is for filters that read it (subset balancing, say): accepted, and it changes nothing.
        assertEquals(1, cluster(TestBootstraps.DEMO_CLUSTER + "        metadata: { filter_metadata: { a: {} } }\n")
                .endpoints().size());
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
