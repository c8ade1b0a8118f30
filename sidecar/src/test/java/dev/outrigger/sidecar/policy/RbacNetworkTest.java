package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.sidecar.tls.MeshFiles;
import dev.outrigger.testing.TestTcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network RBAC filter before a TCP proxy: a connection is let through or closed before any
 * byte reaches the upstream, by the caller's SPIFFE ID (mTLS) or its address; shadow rules are
 * counted only.
 */
class RbacNetworkTest {

    @TempDir
    Path dir;

    private static String yaml(String rbac, String tls) {
        return """
                static_resources:
                  listeners:
                  - name: db
                    address: { socket_address: { address: 0.0.0.0, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.rbac
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
                          stat_prefix: db_authz
                %s
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: db
                          cluster: echo
                %s
                  clusters:
                  - name: echo
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${echo} } } }
                """.formatted(rbac.indent(10).stripTrailing(), tls.stripTrailing());
    }

    /** Writes "ping" and returns what comes back before the connection closes or 5 s pass ("" when closed at once). */
    private static String exchange(Socket s) throws IOException {
        s.setSoTimeout(5000);
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        byte[] got = new byte[4];
        int n = 0;
        try {
            while (n < 4) {
                int r = in.read(got, n, 4 - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            // a reset or a TLS alert: refused
        }
        return new String(got, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void connectionsAreLetThroughByAddress() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo();
                ProxyFixture proxy = ProxyFixture.start(yaml("""
                        rules:
                          action: ALLOW
                          policies:
                            local-batch:
                              permissions: [ { destination_port_range: { start: 1, end: 65536 } } ]
                              principals: [ { direct_remote_ip: { address_prefix: 127.0.0.2, prefix_len: 32 } } ]
                        shadow_rules:
                          action: DENY
                          policies:
                            anything-from-4:
                              permissions: [ { any: true } ]
                              principals: [ { source_ip: { address_prefix: 127.0.0.4, prefix_len: 32 } } ]
                        """, "").replace("${echo}", Integer.toString(echo.port())))) {
            int port = proxy.port("db");
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName("127.0.0.2"), 0)) {
                assertEquals("ping", exchange(s));
            }
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName("127.0.0.4"), 0)) {
                assertEquals("", exchange(s), "closed before any byte is proxied");
            }
            String metrics = proxy.admin("/stats/prometheus");
            assertTrue(metrics.contains("decision=\"denied\",filter=\"envoy.filters.network.rbac\",listener=\"db\","
                    + "policy=\"none\",stat_prefix=\"db_authz\"} 1.0"), metrics);
            assertTrue(metrics.contains("decision=\"shadow_denied\",filter=\"envoy.filters.network.rbac\",listener=\"db\","
                    + "policy=\"anything-from-4\",stat_prefix=\"db_authz\"} 1.0"), metrics);
            assertEquals(1, echo.connectionsAccepted());
        }
    }

    @Test
    void mtlsConnectionsAreLetThroughByIdentity() throws Exception {
        MeshFiles mesh = new MeshFiles("cluster.local", dir);
        Path certs = mesh.issue("db", "spiffe://cluster.local/ns/data/sa/db", Duration.ofHours(1));
        try (TestTcpServer echo = TestTcpServer.echo();
                ProxyFixture proxy = ProxyFixture.start(yaml("""
                        rules:
                          action: ALLOW
                          policies:
                            orders-service:
                              permissions: [ { any: true } ]
                              principals: [ { authenticated: { principal_name: { exact: "spiffe://cluster.local/ns/shop/sa/orders" } } } ]
                        """, MeshFiles.downstreamTls(certs, "spiffe://", "      "))
                        .replace("${echo}", Integer.toString(echo.port())))) {
            int port = proxy.port("db");
            CertifiedKey orders = mesh.ca.issue(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/orders"), Duration.ofHours(1));
            try (Socket s = mesh.clientContext(orders).getSocketFactory().createSocket("127.0.0.1", port)) {
                assertEquals("ping", exchange(s));
            }
            CertifiedKey web = mesh.ca.issue(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web"), Duration.ofHours(1));
            try (Socket s = mesh.clientContext(web).getSocketFactory().createSocket("127.0.0.1", port)) {
                assertEquals("", exchange(s));
            }
            assertEquals(1, echo.connectionsAccepted());
        }
    }
}
