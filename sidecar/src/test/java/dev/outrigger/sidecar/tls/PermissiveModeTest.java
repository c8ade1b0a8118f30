package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permissive mode (for migrating a service to the mesh): the inbound listener takes mTLS from
 * sidecars and plain text from callers not in the mesh yet, told apart by the TLS inspector.
 * Strict mode takes mTLS only.
 */
class PermissiveModeTest {

    @TempDir
    Path dir;

    static String inbound(Path certs, boolean permissive) {
        String plainChain = """
                    - name: plaintext
                      filter_chain_match: { transport_protocol: raw_buffer }
                      filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound_plain
                          route_config:
                            virtual_hosts: [ { name: app, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: app } } ] } ]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                """;
        return """
                static_resources:
                  listeners:
                  - name: inbound
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    listener_filters:
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector }
                    filter_chains:
                    - name: mtls
                      filter_chain_match: { transport_protocol: tls }
                      filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound_mtls
                          forward_client_cert_details: SANITIZE_SET
                          set_current_client_cert_details: { uri: true }
                          route_config:
                            virtual_hosts: [ { name: app, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: app } } ] } ]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                """ + MeshFiles.downstreamTls(certs, "spiffe://cluster.local/", "      ")
                + (permissive ? plainChain : "") + """
                  clusters:
                  - name: app
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${app} } } }
                """;
    }

    private static String plainGet(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            // A plain-text caller claiming an identity: SANITIZE_SET removes the claim.
            s.getOutputStream().write(("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
                    + "x-forwarded-client-cert: URI=" + MtlsProxyTest.CALLER + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static int mtlsGet(ProxyFixture outbound) throws Exception {
        int port = outbound.sidecar().listenerAddress("outbound").getPort();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void permissiveTakesBothAndStrictOnlyMtls() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callee = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        Path caller = mesh.issue("cart", MtlsProxyTest.CALLER, Duration.ofHours(1));
        try (TestUpstream app = TestUpstream.named("app")) {
            for (boolean permissive : new boolean[] {true, false}) {
                try (ProxyFixture in = ProxyFixture.start(inbound(callee, permissive), app);
                        ProxyFixture out = ProxyFixture.start(MtlsProxyTest.outboundYaml(caller,
                                in.sidecar().listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE))) {
                    assertEquals(200, mtlsGet(out), "mTLS is accepted in both modes");
                    assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith(
                            ";URI=" + MtlsProxyTest.CALLER), "the mTLS caller's identity is forwarded");
                    int before = app.requests().size();
                    String plain = plainGet(in.sidecar().listenerAddress("inbound").getPort());
                    if (permissive) {
                        assertTrue(plain.startsWith("HTTP/1.1 200"), plain);
                        assertEquals(before + 1, app.requests().size());
                        assertEquals(null, app.lastRequest().headers().get("x-forwarded-client-cert"),
                                "no identity for plain text, and a claimed one is removed");
                    } else {
                        assertEquals("", plain, "strict: a plain-text client is closed without an answer");
                        assertEquals(before, app.requests().size());
                    }
                }
            }
        }
    }
}
