package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * IP allow and deny lists are RBAC policies on addresses: {@code direct_remote_ip} is the
 * socket's peer (real 127.0.0.x sources here), {@code remote_ip} the original client that
 * {@code x-forwarded-for} names within {@code xff_num_trusted_hops}. gRPC callers are denied
 * with PERMISSION_DENIED.
 */
class RbacIpListTest {

    static String yaml(String hcmExtra, String rules) {
        return """
                static_resources:
                  listeners:
                  - name: edge
                    address: { socket_address: { address: 0.0.0.0, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: edge
                %s
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              routes: [ { match: { prefix: / }, route: { cluster: app } } ]
                          http_filters:
                          - name: ip-list
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
                              rules:
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
                """.formatted(hcmExtra.indent(10).stripTrailing(), rules.indent(16).stripTrailing());
    }

    private static int status(ProxyFixture proxy, String from, Map<String, String> headers) throws Exception {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), proxy.port("edge"), InetAddress.getByName(from), 0);
        s.setSoTimeout(5000);
        try (RawHttpClient http = RawHttpClient.over(s)) {
            return http.request("GET", "/", "app", headers, null).status();
        }
    }

    @Test
    void aDenyListOnTheClientTrustsOnlyTheConfiguredHops() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture edge = ProxyFixture.start(yaml("use_remote_address: true\nxff_num_trusted_hops: 1", """
                        action: DENY
                        policies:
                          blocked-clients:
                            permissions: [ { any: true } ]
                            principals:
                            - remote_ip: { address_prefix: 203.0.113.0, prefix_len: 24 }
                            - direct_remote_ip: { address_prefix: 127.0.0.66, prefix_len: 32 }
                        """), app)) {
            assertEquals(200, status(edge, "127.0.0.1", Map.of()));
            assertEquals(403, status(edge, "127.0.0.1", Map.of("x-forwarded-for", "203.0.113.7")),
                    "the one trusted hop names a blocked client");
            assertEquals(200, status(edge, "127.0.0.1", Map.of("x-forwarded-for", "203.0.113.7, 198.51.100.1")),
                    "an entry beyond the trusted hops is not believed");
            assertEquals(403, status(edge, "127.0.0.66", Map.of("x-forwarded-for", "198.51.100.1")),
                    "the socket's peer is blocked whatever the header says");
            assertEquals(2, app.requests().size());
        }
    }

    @Test
    void anAllowListOnThePeer() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture edge = ProxyFixture.start(yaml("", """
                        action: ALLOW
                        policies:
                          office:
                            permissions: [ { any: true } ]
                            principals:
                            - direct_remote_ip: { address_prefix: 127.0.0.2, prefix_len: 32 }
                            - direct_remote_ip: { address_prefix: 127.0.1.0, prefix_len: 24 }
                        """), app)) {
            assertEquals(200, status(edge, "127.0.0.2", Map.of()));
            assertEquals(200, status(edge, "127.0.1.200", Map.of()));
            assertEquals(403, status(edge, "127.0.0.3", Map.of("x-forwarded-for", "127.0.0.2")),
                    "direct_remote_ip never reads x-forwarded-for");
        }
    }

    @Test
    void aDeniedGrpcCallGetsPermissionDenied() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture edge = ProxyFixture.start(yaml("", """
                        action: DENY
                        policies:
                          no-admin-rpc:
                            permissions: [ { url_path: { path: { prefix: /admin.Admin/ } } } ]
                            principals: [ { any: true } ]
                        """), app);
                Http2TestClient h2 = Http2TestClient.connect(edge.port("edge"))) {
            Http2TestClient.Response r = h2.request("POST", "/admin.Admin/Reset", "app",
                    Map.of("content-type", "application/grpc", "te", "trailers"), new byte[5])
                    .get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals("7", r.header("grpc-status"));
            assertEquals("RBAC: access denied", r.header("grpc-message"));
            assertEquals("rbac_denied", r.header("x-outrigger-error"));
            assertEquals(0, app.requests().size());
        }
    }
}
