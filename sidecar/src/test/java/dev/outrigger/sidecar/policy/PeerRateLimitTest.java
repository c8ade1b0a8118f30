package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.sidecar.tls.MeshFiles;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestTcpServer;
import dev.outrigger.testing.TestUpstream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits per caller identity (Outrigger's PeerIdentityDescriptor rate-limit action: one bucket
 * per SPIFFE ID), and the network local rate limit on new connections.
 */
class PeerRateLimitTest {

    @TempDir
    Path dir;

    @Test
    void eachCallerIdentityHasItsOwnBucket() throws Exception {
        MeshFiles mesh = new MeshFiles("cluster.local", dir);
        Path certs = mesh.issue("payments", "spiffe://cluster.local/ns/shop/sa/payments", Duration.ofHours(1));
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture inbound = ProxyFixture.start(RbacHttpTest.inboundYaml(certs, """
                        - name: per-caller
                          typed_config:
                            "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                            stat_prefix: per_caller
                            filter_enabled: { default_value: { numerator: 100 } }
                            filter_enforced: { default_value: { numerator: 100 } }
                            token_bucket: { max_tokens: 1000, tokens_per_fill: 1000, fill_interval: 3600s }
                            descriptors:
                            - entries: [ { key: peer_identity, value: "" } ]
                              token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 3600s }
                        """, """
                        - match: { prefix: / }
                          route:
                            cluster: app
                            rate_limits:
                            - actions:
                              - extension:
                                  name: outrigger.rate_limit_descriptors.peer_identity
                                  typed_config: { "@type": type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor }
                        """), app)) {
            CertifiedKey cart = mesh.ca.issue(SpiffeId.parse(RbacHttpTest.CART), Duration.ofHours(1));
            CertifiedKey web = mesh.ca.issue(SpiffeId.parse(RbacHttpTest.WEB), Duration.ofHours(1));
            assertEquals(200, call(mesh, inbound, cart));
            assertEquals(200, call(mesh, inbound, cart));
            assertEquals(429, call(mesh, inbound, cart));
            assertEquals(200, call(mesh, inbound, web), "another caller, another bucket");
            assertEquals(200, call(mesh, inbound, web));
            assertEquals(429, call(mesh, inbound, web));
        }
    }

    private static int call(MeshFiles mesh, ProxyFixture inbound, CertifiedKey key) throws Exception {
        SSLSocket s = (SSLSocket) mesh.clientContext(key).getSocketFactory().createSocket("127.0.0.1",
                inbound.port("inbound"));
        s.setSoTimeout(5000);
        try (RawHttpClient http = RawHttpClient.over(s)) {
            return http.request("GET", "/x", "payments", Map.of(), null).status();
        }
    }

    @Test
    void newConnectionsBeyondTheBucketAreClosed() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo();
                ProxyFixture proxy = ProxyFixture.start("""
                        static_resources:
                          listeners:
                          - name: db
                            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                            filter_chains:
                            - filters:
                              - name: envoy.filters.network.local_ratelimit
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit
                                  stat_prefix: db_connections
                                  token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 3600s }
                              - name: envoy.filters.network.tcp_proxy
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                                  stat_prefix: db
                                  cluster: echo
                          clusters:
                          - name: echo
                            load_assignment:
                              endpoints:
                              - lb_endpoints:
                                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                        """.formatted(echo.port()))) {
            int port = proxy.port("db");
            try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port);
                    Socket c = new Socket("127.0.0.1", port)) {
                assertEquals("ping", ping(a));
                assertEquals("ping", ping(b));
                assertEquals("", ping(c), "the third connection gets no token");
            }
            assertEquals(2, echo.connectionsAccepted());
            String metrics = proxy.admin("/stats/prometheus");
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("decision=\"over_limit\",descriptor=\"default\","
                    + "filter=\"envoy.filters.network.local_ratelimit\",listener=\"db\",stat_prefix=\"db_connections\"} 1.0"),
                    metrics);
        }
    }

    private static String ping(Socket s) throws Exception {
        s.setSoTimeout(5000);
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] b = new byte[4];
        int n = 0;
        try {
            for (int r; n < 4 && (r = in.read(b, n, 4 - n)) > 0; ) {
                n += r;
            }
        } catch (java.io.IOException e) {
            // reset: refused
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
