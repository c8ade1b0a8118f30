package dev.outrigger.sidecar.server;

import dev.outrigger.testing.TestUpstream;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Builds bootstrap YAML for tests: one listener named {@code outbound} on an ephemeral port whose
 * route configuration and clusters are given as JSON (which is also YAML) so they compose
 * without indentation games.
 */
final class TestConfigs {

    private TestConfigs() {
    }

    /** A bootstrap with listener {@code outbound} routing by {@code virtualHostsJson} to {@code clustersJson}. */
    static String bootstrap(String virtualHostsJson, String... clustersJson) {
        return bootstrapWithHcm("", virtualHostsJson, clustersJson);
    }

    /** The same, with extra HttpConnectionManager fields (JSON object members, comma-terminated). */
    static String bootstrapWithHcm(String hcmExtraJson, String virtualHostsJson, String... clustersJson) {
        return """
                admin:
                  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                static_resources:
                  listeners:
                  - name: outbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config: {"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                          %s
                          stat_prefix: outbound,
                          route_config: {name: local, virtual_hosts: %s},
                          http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}
                  clusters: [%s]
                """.formatted(hcmExtraJson, virtualHostsJson, String.join(", ", clustersJson));
    }

    /** {@code yaml} (from {@link #bootstrap}) with Outrigger's SidecarSettings, e.g. {@code "concurrency: 1"}. */
    static String withSidecarSettings(String yaml, String settings) {
        return yaml.replace("admin:", """
                bootstrap_extensions:
                - name: outrigger.sidecar
                  typed_config: {"@type": type.googleapis.com/outrigger.bootstrap.v1.SidecarSettings, %s}
                admin:""".formatted(settings));
    }

    /** Cluster fields (for a cluster's extra JSON) that make it speak HTTP/2 to its endpoints, with prior knowledge. */
    static final String HTTP2_UPSTREAM = httpProtocolOptions("explicit_http_config: {http2_protocol_options: {}}");

    /** Cluster fields that make it speak to its endpoints in the HTTP version the client spoke. */
    static final String DOWNSTREAM_PROTOCOL = httpProtocolOptions("use_downstream_protocol_config: {}");

    /** Cluster fields with an {@code HttpProtocolOptions} made of {@code members} (JSON object members). */
    static String httpProtocolOptions(String members) {
        return "typed_extension_protocol_options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: "
                + "{\"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions, "
                + members + "}},";
    }

    /** Virtual hosts sending everything to {@code cluster}. */
    static String catchAll(String cluster) {
        return "[{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: " + cluster + "}}]}]";
    }

    /** A STATIC cluster over the given upstreams, with a 1 s connect timeout. */
    static String cluster(String name, TestUpstream... endpoints) {
        return cluster(name, "", endpoints);
    }

    /** A STATIC cluster with extra Cluster fields (JSON object members, comma-terminated). */
    static String cluster(String name, String extraJson, TestUpstream... endpoints) {
        return clusterOnPorts(name, extraJson, Arrays.stream(endpoints).mapToInt(TestUpstream::port).toArray());
    }

    /** Cluster fields (comma-terminated) that make it speak HTTP/2 to its endpoints. */
    static final String HTTP2 = "typed_extension_protocol_options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: "
            + "{\"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions, "
            + "explicit_http_config: {http2_protocol_options: {}}}},";

    /** A STATIC cluster over 127.0.0.1 ports. */
    static String clusterOnPorts(String name, String extraJson, int... ports) {
        String eps = Arrays.stream(ports)
                .mapToObj(p -> "{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: " + p + "}}}}")
                .collect(Collectors.joining(", "));
        return "{name: " + name + ", type: STATIC, connect_timeout: 1s, " + extraJson
                + " load_assignment: {cluster_name: " + name + ", endpoints: [{lb_endpoints: [" + eps + "]}]}}";
    }
}
