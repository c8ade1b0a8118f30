package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.DEMO_CLUSTER;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionPoolTranslatorTest {

    private static final String C0 = "static_resources.clusters[0]";
    private static final String OPTIONS = C0
            + ".typed_extension_protocol_options[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]";

    @Test
    void circuitBreakers() throws Exception {
        ConnectionPoolSettings pool = pool("""
                circuit_breakers:
                  thresholds:
                  - priority: DEFAULT
                    max_connections: 100
                    max_pending_requests: 0
                    max_requests: 50
                  per_host_thresholds:
                  - max_connections: 8
                """);
        assertEquals(50, pool.maxRequests());
        assertEquals(ConnectionPoolSettings.DEFAULT_MAX_REQUESTS, ConnectionPoolSettings.DEFAULTS.maxRequests());
        assertEquals(100, pool.maxConnections());
        assertEquals(0, pool.maxPendingRequests());
        assertEquals(8, pool.maxConnectionsPerEndpoint());
        assertEquals(ConnectionPoolSettings.DEFAULTS.idleTimeout(), pool.idleTimeout());
    }

    @Test
    void unsetThresholdsKeepEnvoyDefaults() throws Exception {
        ConnectionPoolSettings pool = pool("circuit_breakers:\n  thresholds:\n  - max_pending_requests: 5\n");
        assertEquals(ConnectionPoolSettings.DEFAULTS.maxConnections(), pool.maxConnections());
        assertEquals(5, pool.maxPendingRequests());
        assertEquals(ConnectionPoolSettings.DEFAULTS.maxConnectionsPerEndpoint(), pool.maxConnectionsPerEndpoint());
    }

    @Test
    void uint32MaxMeansUnlimited() throws Exception {
        ConnectionPoolSettings pool = pool("""
                circuit_breakers:
                  thresholds: [ { max_connections: 4294967295, max_pending_requests: 4294967295 } ]
                """);
        assertEquals(Integer.MAX_VALUE, pool.maxConnections());
        assertEquals(Integer.MAX_VALUE, pool.maxPendingRequests());
    }

    @Test
    void zeroConnectionsIsRejected() {
        assertRejected(cluster("circuit_breakers: { thresholds: [ { max_connections: 0 } ] }\n"),
                C0 + ".circuit_breakers.thresholds[0].max_connections", "must be at least 1 (0 would refuse every request)");
        assertRejected(cluster("circuit_breakers: { per_host_thresholds: [ { max_connections: 0 } ] }\n"),
                C0 + ".circuit_breakers.per_host_thresholds[0].max_connections",
                "must be at least 1 (0 would refuse every request)");
    }

    @Test
    void highPriorityIsNotSupportedYet() {
        assertRejected(cluster("circuit_breakers: { thresholds: [ { priority: HIGH, max_connections: 5 } ] }\n"),
                C0 + ".circuit_breakers.thresholds[0].priority", "HIGH is not supported yet (only DEFAULT)");
    }

    @Test
    void repeatedDefaultEntryIsRejected() {
        assertRejected(cluster("circuit_breakers: { thresholds: [ { max_connections: 5 }, { max_connections: 6 } ] }\n"),
                C0 + ".circuit_breakers.thresholds[1]", "a second entry for priority DEFAULT; give each priority once");
    }

    @Test
    void otherThresholdsAreNotSupportedYet() {
        assertRejected(cluster("circuit_breakers: { thresholds: [ { max_retries: 3 } ] }\n"),
                C0 + ".circuit_breakers.thresholds[0].max_retries",
                "field is not supported by Outrigger (supported here: max_connections, max_pending_requests, max_requests,"
                        + " priority)");
        assertRejected(cluster("circuit_breakers: { per_host_thresholds: [ { max_pending_requests: 3 } ] }\n"),
                C0 + ".circuit_breakers.per_host_thresholds[0].max_pending_requests",
                "field is not supported by Outrigger (supported here: max_connections, priority)");
    }

    @Test
    void upstreamHttpProtocolOptions() throws Exception {
        ConnectionPoolSettings pool = pool(httpOptions("""
                common_http_protocol_options:
                  idle_timeout: 30s
                  max_requests_per_connection: 100
                explicit_http_config:
                  http_protocol_options: {}
                """));
        assertEquals(Duration.ofSeconds(30), pool.idleTimeout());
        assertEquals(100, pool.maxRequestsPerConnection());
    }

    @Test
    void zeroIdleTimeoutDisablesAndZeroMaxRequestsMeansNoLimit() throws Exception {
        ConnectionPoolSettings pool = pool(httpOptions("""
                common_http_protocol_options: { idle_timeout: 0s, max_requests_per_connection: 0 }
                """));
        assertEquals(Duration.ZERO, pool.idleTimeout());
        assertEquals(Integer.MAX_VALUE, pool.maxRequestsPerConnection());
    }

    @Test
    void http1KnobsAreRejectedRatherThanIgnored() {
        assertRejected(cluster(httpOptions("explicit_http_config: { http_protocol_options: { accept_http_10: true } }\n")),
                OPTIONS + ".explicit_http_config.http_protocol_options.accept_http_10",
                "field is not supported by Outrigger");
    }

    @Test
    void otherCommonOptionsAreRejected() {
        assertRejected(cluster(httpOptions("common_http_protocol_options: { max_connection_duration: 60s }\n")),
                OPTIONS + ".common_http_protocol_options.max_connection_duration",
                "field is not supported by Outrigger (supported here: idle_timeout, max_requests_per_connection)");
    }

    @Test
    void otherProtocolOptionKeysAreRejected() {
        assertRejected(cluster("""
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions
                """), C0 + ".typed_extension_protocol_options[\"envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions\"]",
                "envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions is not supported"
                        + " (only envoy.extensions.upstreams.http.v3.HttpProtocolOptions)");
    }

    @Test
    void valueMustMatchTheKey() {
        assertRejected(cluster("""
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions
                """), OPTIONS, "expected envoy.extensions.upstreams.http.v3.HttpProtocolOptions,"
                        + " got envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions");
    }

    private static ConnectionPoolSettings pool(String clusterLines) throws Exception {
        return BootstrapTranslator.translate(parse(cluster(clusterLines))).snapshot().cluster("demo").pool();
    }

    private static String cluster(String clusterLines) {
        return withClusters(DEMO_CLUSTER + TestBootstraps.indent(clusterLines, 2));
    }

    private static String httpOptions(String lines) {
        return """
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                """ + TestBootstraps.indent(lines, 4);
    }
}
