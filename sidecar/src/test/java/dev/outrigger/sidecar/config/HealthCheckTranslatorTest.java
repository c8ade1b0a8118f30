package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Cluster.health_checks}: every supported field, the defaults, and every rejection. */
class HealthCheckTranslatorTest {

    private static final String HC0 = "static_resources.clusters[0].health_checks[0]";
    private static final String BASE = "timeout: 1s, interval: 2s, unhealthy_threshold: 3, healthy_threshold: 2";

    private static String yaml(String checkFields) {
        return withClusters(TestBootstraps.DEMO_CLUSTER + "  health_checks:\n  - { " + checkFields + " }\n");
    }

    private static HealthCheckConfig check(String checkFields) throws Exception {
        ClusterConfig c = BootstrapTranslator.translate(parse(yaml(checkFields))).snapshot().clusters().values()
                .iterator().next();
        assertEquals(1, c.healthChecks().size());
        return c.healthChecks().get(0);
    }

    @Test
    void httpWithEveryField() throws Exception {
        HealthCheckConfig c = check(BASE + ", interval_jitter: 0.1s, interval_jitter_percent: 10, initial_jitter: 0.5s,"
                + " no_traffic_interval: 60s, unhealthy_interval: 5s, unhealthy_edge_interval: 7s,"
                + " healthy_edge_interval: 3s, http_health_check: { host: svc.local, path: /healthz,"
                + " expected_statuses: [ { start: 200, end: 300 } ], retriable_statuses: [ { start: 503, end: 504 } ],"
                + " request_headers_to_add: [ { header: { key: x-hc, value: \"yes\" } } ] }");
        assertEquals(Duration.ofSeconds(1), c.timeout());
        assertEquals(Duration.ofSeconds(2), c.interval());
        assertEquals(Duration.ofMillis(100), c.intervalJitter());
        assertEquals(10, c.intervalJitterPercent());
        assertEquals(Duration.ofMillis(500), c.initialJitter());
        assertEquals(3, c.unhealthyThreshold());
        assertEquals(2, c.healthyThreshold());
        assertEquals(Duration.ofSeconds(5), c.unhealthyInterval());
        assertEquals(Duration.ofSeconds(7), c.unhealthyEdgeInterval());
        assertEquals(Duration.ofSeconds(3), c.healthyEdgeInterval());
        HealthCheckConfig.Http http = (HealthCheckConfig.Http) c.probe();
        assertEquals("svc.local", http.host());
        assertEquals("/healthz", http.path());
        assertTrue(http.expected(204));
        assertFalse(http.expected(300));
        assertTrue(http.retriable(503));
        assertFalse(http.retriable(502));
        assertEquals(List.of("x-hc", "yes"), http.headers());
    }

    @Test
    void defaults() throws Exception {
        HealthCheckConfig c = check(BASE + ", http_health_check: { path: /h }");
        assertEquals(Duration.ZERO, c.intervalJitter());
        assertEquals(Duration.ZERO, c.initialJitter());
        assertEquals(c.interval(), c.unhealthyInterval());
        assertEquals(c.interval(), c.unhealthyEdgeInterval());
        assertEquals(c.interval(), c.healthyEdgeInterval());
        HealthCheckConfig.Http http = (HealthCheckConfig.Http) c.probe();
        assertEquals("", http.host());
        assertEquals(HealthCheckConfig.StatusRange.DEFAULT_EXPECTED, http.expectedStatuses());
        assertTrue(http.expected(200));
        assertFalse(http.expected(204));
        // The unhealthy edge interval follows unhealthy_interval when only that is set.
        assertEquals(Duration.ofSeconds(9), check(BASE + ", unhealthy_interval: 9s, http_health_check: { path: /h }")
                .unhealthyEdgeInterval());
    }

    @Test
    void tcpPayloads() throws Exception {
        HealthCheckConfig.Tcp connectOnly = (HealthCheckConfig.Tcp) check(BASE + ", tcp_health_check: {}").probe();
        assertEquals(0, connectOnly.send().length);
        assertTrue(connectOnly.receive().isEmpty());
        HealthCheckConfig.Tcp tcp = (HealthCheckConfig.Tcp) check(BASE + ", tcp_health_check: { send: { text: \"70696E67\" },"
                + " receive: [ { text: \"706f\" }, { binary: bmc= } ] }").probe();
        assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), tcp.send());
        assertArrayEquals("po".getBytes(StandardCharsets.US_ASCII), tcp.receive().get(0));
        assertArrayEquals("ng".getBytes(StandardCharsets.US_ASCII), tcp.receive().get(1));
    }

    @Test
    void grpc() throws Exception {
        assertEquals(new HealthCheckConfig.Grpc("payments.v1.Payments", "payments.internal"),
                check(BASE + ", grpc_health_check: { service_name: payments.v1.Payments, authority: payments.internal }")
                        .probe());
        assertEquals(new HealthCheckConfig.Grpc("", ""), check(BASE + ", grpc_health_check: {}").probe());
    }

    @Test
    void aHealthCheckChangeIsMoreThanAnEndpointChange() throws Exception {
        ClusterConfig a = BootstrapTranslator.translate(parse(yaml(BASE + ", tcp_health_check: {}"))).snapshot()
                .clusters().values().iterator().next();
        ClusterConfig b = BootstrapTranslator.translate(parse(yaml(BASE + ", tcp_health_check: { send: { text: \"00\" } }")))
                .snapshot().clusters().values().iterator().next();
        ClusterConfig same = BootstrapTranslator.translate(parse(yaml(BASE + ", tcp_health_check: {}"))).snapshot()
                .clusters().values().iterator().next();
        assertEquals(a, same);
        assertNotEquals(a, b);
        assertFalse(a.sameExceptEndpoints(b));
        assertTrue(a.sameExceptEndpoints(a.withEndpoints(List.of())));
    }

    @Test
    void requiredFields() {
        assertRejected(yaml("interval: 1s, unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".timeout", "required");
        assertRejected(yaml("timeout: 1s, unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".interval", "required");
        assertRejected(yaml("timeout: 1s, interval: 1s, healthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".unhealthy_threshold", "required");
        assertRejected(yaml("timeout: 1s, interval: 1s, unhealthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".healthy_threshold", "required");
        assertRejected(yaml(BASE), HC0, "one of http_health_check, tcp_health_check or grpc_health_check is required");
        assertRejected(yaml(BASE + ", http_health_check: { host: x }"), HC0 + ".http_health_check.path", "required");
    }

    @Test
    void invalidValues() {
        assertRejected(yaml("timeout: 0s, interval: 1s, unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".timeout", "must be greater than 0");
        assertRejected(yaml("timeout: 1s, interval: 1s, unhealthy_threshold: 0, healthy_threshold: 1, tcp_health_check: {}"),
                HC0 + ".unhealthy_threshold", "must be at least 1");
        assertRejected(yaml(BASE + ", interval_jitter: -1s, tcp_health_check: {}"), HC0 + ".interval_jitter",
                "must not be negative, got -1s");
        assertRejected(yaml(BASE + ", unhealthy_edge_interval: 0s, tcp_health_check: {}"),
                HC0 + ".unhealthy_edge_interval", "must be greater than 0");
        assertRejected(yaml(BASE + ", http_health_check: { path: healthz }"), HC0 + ".http_health_check.path",
                "must start with /");
        assertRejected(yaml(BASE + ", http_health_check: { path: /h, expected_statuses: [ { start: 300, end: 200 } ] }"),
                HC0 + ".http_health_check.expected_statuses[0]",
                "must be a range of HTTP statuses within [100, 600) with start < end, got [300, 200)");
        assertRejected(yaml(BASE + ", http_health_check: { path: /h, request_headers_to_add: [ { header: { key: host, value: x } } ] }"),
                HC0 + ".http_health_check.request_headers_to_add[0].header.key", "must be a regular header name, got 'host'");
        assertRejected(yaml(BASE + ", tcp_health_check: { send: { text: zz } }"), HC0 + ".tcp_health_check.send.text",
                "must be hex, got 'zz'");
        assertRejected(yaml(BASE + ", tcp_health_check: { receive: [ {} ] }"), HC0 + ".tcp_health_check.receive[0]",
                "text (hex) or binary is required");
    }

    @Test
    void unsupportedFieldsAreNamed() {
        String hc = "supported here: grpc_health_check, healthy_edge_interval, healthy_threshold, http_health_check,"
                + " initial_jitter, interval, interval_jitter, interval_jitter_percent, no_traffic_interval, tcp_health_check,"
                + " timeout, unhealthy_edge_interval, unhealthy_interval, unhealthy_threshold";
        assertRejected(yaml(BASE + ", reuse_connection: false, tcp_health_check: {}"), HC0 + ".reuse_connection",
                "field is not supported by Outrigger (" + hc + ")");
        assertRejected(yaml(BASE + ", alt_port: 9000, tcp_health_check: {}"), HC0 + ".alt_port",
                "field is not supported by Outrigger (" + hc + ")");
        assertRejected(yaml(BASE + ", event_log_path: /tmp/hc, tcp_health_check: {}"), HC0 + ".event_log_path",
                "field is not supported by Outrigger (" + hc + ")");
        assertRejected(yaml(BASE + ", custom_health_check: { name: redis }"), HC0 + ".custom_health_check",
                "field is not supported by Outrigger (" + hc + ")");
        assertRejected(yaml(BASE + ", http_health_check: { path: /h, codec_client_type: HTTP2 }"),
                HC0 + ".http_health_check.codec_client_type", "field is not supported by Outrigger (supported here:"
                        + " expected_statuses, host, path, request_headers_to_add, retriable_statuses)");
        assertRejected(yaml(BASE + ", http_health_check: { path: /h, request_headers_to_add: [ { header: { key: a, value: b },"
                        + " append_action: OVERWRITE_IF_EXISTS_OR_ADD } ] }"),
                HC0 + ".http_health_check.request_headers_to_add[0].append_action",
                "field is not supported by Outrigger (supported here: header)");
        assertRejected(yaml(BASE + ", grpc_health_check: { initial_metadata: [ { header: { key: a, value: b } } ] }"),
                HC0 + ".grpc_health_check.initial_metadata",
                "field is not supported by Outrigger (supported here: authority, service_name)");
        assertRejected(yaml(BASE + ", tcp_health_check: { proxy_protocol_config: {} }"),
                HC0 + ".tcp_health_check.proxy_protocol_config",
                "field is not supported by Outrigger (supported here: receive, send)");
    }

    @Test
    void httpChecksAreRefusedOnClustersSpokenToInHttp2() {
        String http2 = withClusters(TestBootstraps.DEMO_CLUSTER
                + "  typed_extension_protocol_options: { envoy.extensions.upstreams.http.v3.HttpProtocolOptions: {"
                + " \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions,"
                + " explicit_http_config: { http2_protocol_options: {} } } }\n"
                + "  health_checks:\n  - { " + BASE + ", http_health_check: { path: /healthz } }\n");
        assertRejected(http2, HC0 + ".http_health_check", "the cluster speaks HTTP/2 to its endpoints and HTTP health"
                + " checks use HTTP/1.1; use grpc_health_check or tcp_health_check");
    }
}
