package dev.outrigger.sidecar.policy;

/**
 * The bootstrap the rate limit tests share: one listener {@code in} on 127.0.0.1 (ephemeral
 * port) whose connection manager serves one virtual host {@code app} for every domain, runs the
 * test's HTTP filters before the router, and sends to the cluster {@code app} (port
 * {@code ${app}}, speaking the client's protocol), plus any clusters the test adds.
 */
final class PolicyConfigs {

    private PolicyConfigs() {
    }

    /**
     * @param virtualHost the virtual host's fields after {@code domains} ({@code routes:}, {@code rate_limits:})
     * @param httpFilters the {@code http_filters} entries before the router
     * @param clusters more {@code clusters} entries, or ""
     */
    static String httpListener(String virtualHost, String httpFilters, String clusters) {
        return httpListener("", virtualHost, httpFilters, clusters);
    }

    /** Like {@link #httpListener(String, String, String)}, with more connection manager fields ({@code access_log:}). */
    static String httpListener(String hcm, String virtualHost, String httpFilters, String clusters) {
        return """
                static_resources:
                  listeners:
                  - name: in
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: in
                %s
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                %s
                          http_filters:
                %s
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                  clusters:
                  - name: app
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        use_downstream_protocol_config: {}
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${app} } } }
                %s
                """.formatted(hcm.indent(10).stripTrailing(), virtualHost.indent(14).stripTrailing(), httpFilters.indent(10).stripTrailing(),
                clusters.indent(2).stripTrailing());
    }

    /** {@code yaml} run with {@code eventLoops} event loops (Outrigger's {@code SidecarSettings.concurrency}). */
    static String withEventLoops(String yaml, int eventLoops) {
        return """
                bootstrap_extensions:
                - name: outrigger.sidecar
                  typed_config: {"@type": type.googleapis.com/outrigger.bootstrap.v1.SidecarSettings, concurrency: %d}
                """.formatted(eventLoops) + yaml;
    }
}
