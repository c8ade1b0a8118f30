package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.DEMO_CLUSTER;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.UpstreamProtocol;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which HTTP version a cluster's endpoints are spoken to in, and the HTTP/2 settings offered to them. */
class UpstreamProtocolTranslatorTest {

    private static final String C0 = "static_resources.clusters[0]";
    private static final String OPTIONS = C0
            + ".typed_extension_protocol_options[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]";

    @Test
    void http1IsTheDefault() throws Exception {
        ClusterConfig cluster = cluster("");
        assertEquals(UpstreamProtocol.HTTP1, cluster.protocol());
        assertEquals(Http2Settings.DEFAULTS, cluster.http2());
        assertEquals(UpstreamProtocol.HTTP1,
                cluster(httpOptions("explicit_http_config: { http_protocol_options: {} }\n")).protocol());
        assertEquals(UpstreamProtocol.HTTP1,
                cluster(httpOptions("common_http_protocol_options: { idle_timeout: 5s }\n")).protocol());
    }

    @Test
    void explicitHttp2WithSettings() throws Exception {
        ClusterConfig cluster = cluster(httpOptions("""
                common_http_protocol_options: { idle_timeout: 90s }
                explicit_http_config:
                  http2_protocol_options:
                    max_concurrent_streams: 250
                    initial_stream_window_size: 131072
                """));
        assertEquals(UpstreamProtocol.HTTP2, cluster.protocol());
        assertEquals(new Http2Settings(250, 131_072, Http2Settings.DEFAULTS.initialConnectionWindowSize()),
                cluster.http2());
        assertEquals(Duration.ofSeconds(90), cluster.pool().idleTimeout(), "common options still apply");
        assertEquals(Http2Settings.DEFAULTS,
                cluster(httpOptions("explicit_http_config: { http2_protocol_options: {} }\n")).http2());
    }

    @Test
    void useDownstreamProtocol() throws Exception {
        ClusterConfig cluster = cluster(httpOptions("""
                use_downstream_protocol_config:
                  http_protocol_options: {}
                  http2_protocol_options: { initial_connection_window_size: 65535 }
                """));
        assertEquals(UpstreamProtocol.USE_DOWNSTREAM, cluster.protocol());
        assertEquals(new Http2Settings(1024, 65_536, 65_535), cluster.http2());
        ClusterConfig bare = cluster(httpOptions("use_downstream_protocol_config: {}\n"));
        assertEquals(UpstreamProtocol.USE_DOWNSTREAM, bare.protocol());
        assertEquals(Http2Settings.DEFAULTS, bare.http2());
    }

    @Test
    void deprecatedClusterHttp2OptionsMeanHttp2() throws Exception {
        ClusterConfig cluster = cluster("http2_protocol_options: { max_concurrent_streams: 10 }\n");
        assertEquals(UpstreamProtocol.HTTP2, cluster.protocol());
        assertEquals(new Http2Settings(10, 65_536, 1_048_576), cluster.http2());
        assertRejected(clusterYaml("http2_protocol_options: { allow_connect: true }\n"),
                C0 + ".http2_protocol_options.allow_connect", "field is not supported by Outrigger (supported here: "
                        + "initial_connection_window_size, initial_stream_window_size, max_concurrent_streams)");
    }

    @Test
    void deprecatedAndTypedOptionsDoNotMix() {
        assertRejected(clusterYaml("http2_protocol_options: {}\n"
                        + httpOptions("common_http_protocol_options: { idle_timeout: 5s }\n")),
                C0 + ".http2_protocol_options", "not together with typed_extension_protocol_options[\""
                        + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]; give the HTTP/2 options there, in "
                        + "explicit_http_config.http2_protocol_options");
    }

    @Test
    void http2OptionRangesAndUnsupportedOptions() {
        assertRejected(clusterYaml(httpOptions("explicit_http_config: { http2_protocol_options:"
                        + " { max_concurrent_streams: 0 } }\n")),
                OPTIONS + ".explicit_http_config.http2_protocol_options.max_concurrent_streams",
                "0 is out of range 1..2147483647");
        assertRejected(clusterYaml(httpOptions("use_downstream_protocol_config: { http2_protocol_options:"
                        + " { initial_stream_window_size: 1024 } }\n")),
                OPTIONS + ".use_downstream_protocol_config.http2_protocol_options.initial_stream_window_size",
                "1024 is out of range 65535..2147483647");
        assertRejected(clusterYaml(httpOptions("explicit_http_config: { http2_protocol_options:"
                        + " { connection_keepalive: { interval: 10s, timeout: 1s } } }\n")),
                OPTIONS + ".explicit_http_config.http2_protocol_options.connection_keepalive",
                "field is not supported by Outrigger (supported here: initial_connection_window_size,"
                        + " initial_stream_window_size, max_concurrent_streams)");
    }

    @Test
    void autoConfigNeedsAlpnAndIsNotSupportedYet() {
        assertRejected(clusterYaml(httpOptions("auto_config: { http2_protocol_options: {} }\n")),
                OPTIONS + ".auto_config", "not supported yet: it picks HTTP/1.1 or HTTP/2 by ALPN, which needs TLS to"
                        + " the endpoints; use explicit_http_config or use_downstream_protocol_config");
    }

    @Test
    void http3IsNotSupportedYet() {
        assertRejected(clusterYaml(httpOptions("explicit_http_config: { http3_protocol_options: {} }\n")),
                OPTIONS + ".explicit_http_config.http3_protocol_options", "HTTP/3 to upstreams is not supported yet");
        assertRejected(clusterYaml(httpOptions("use_downstream_protocol_config: { http3_protocol_options: {} }\n")),
                OPTIONS + ".use_downstream_protocol_config.http3_protocol_options",
                "HTTP/3 to upstreams is not supported yet");
    }

    @Test
    void http1KnobsAreRejectedInEitherForm() {
        assertRejected(clusterYaml(httpOptions("use_downstream_protocol_config:"
                        + " { http_protocol_options: { accept_http_10: true } }\n")),
                OPTIONS + ".use_downstream_protocol_config.http_protocol_options.accept_http_10",
                "field is not supported by Outrigger");
    }

    @Test
    void otherHttpProtocolOptionsAreRejected() {
        assertRejected(clusterYaml(httpOptions("explicit_http_config: { http_protocol_options: {} }\n"
                        + "upstream_http_protocol_options: { auto_sni: true }\n")),
                OPTIONS + ".upstream_http_protocol_options", "field is not supported by Outrigger (supported here: "
                        + "common_http_protocol_options, explicit_http_config, use_downstream_protocol_config)");
    }

    @Test
    void otherDeprecatedProtocolFieldsAreRejected() {
        assertRejected(clusterYaml("http_protocol_options: {}\n"), C0 + ".http_protocol_options",
                "field is not supported by Outrigger (supported here: circuit_breakers, connect_timeout,"
                        + " eds_cluster_config, health_checks, http2_protocol_options, lb_policy, least_request_lb_config,"
                        + " load_assignment, load_balancing_policy, maglev_lb_config, name, outlier_detection,"
                        + " ring_hash_lb_config, round_robin_lb_config, transport_socket, type,"
                        + " typed_extension_protocol_options)");
    }

    private static ClusterConfig cluster(String clusterLines) throws Exception {
        return BootstrapTranslator.translate(parse(clusterYaml(clusterLines))).snapshot().cluster("demo");
    }

    private static String clusterYaml(String clusterLines) {
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
