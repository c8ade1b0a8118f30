package dev.outrigger.sidecar.filter;

/** The listener the filter framework tests run on: routes with overrides at each level, and a filter list to fill in. */
final class HttpFilterChainTestYaml {

    private HttpFilterChainTestYaml() {
    }

    static String yaml(String filters, String hcmExtra) {
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
                            typed_per_filter_config:
                              second: { "@type": type.googleapis.com/google.protobuf.StringValue, value: table }
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              typed_per_filter_config:
                                first: { "@type": type.googleapis.com/google.protobuf.StringValue, value: vhost }
                              routes:
                              - match: { prefix: "/r" }
                                route: { cluster: app }
                                typed_per_filter_config:
                                  first: { "@type": type.googleapis.com/google.protobuf.StringValue, value: route }
                              - match: { prefix: "/off" }
                                route: { cluster: app }
                                typed_per_filter_config:
                                  first:
                                    "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                                    disabled: true
                              - match: { prefix: "/direct" }
                                direct_response: { status: 200, body: { inline_string: "direct" } }
                              - match: { prefix: "/v" }
                                route: { cluster: app }
                          http_filters:
                %s
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                  clusters:
                  - name: app
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${app} } } }
                """.formatted(hcmExtra.indent(10).stripTrailing(), filters.indent(10).stripTrailing());
    }

}
