package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.TestTcpServer;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TCP proxy connection over mTLS ends before the certificate it was authenticated with expires. */
class TcpMtlsExpiryTest {

    @TempDir
    Path dir;

    private static String tcpListener(String name, String cluster) {
        return """
                  - name: %s
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: %s
                          cluster: %s
                """.formatted(name, name, cluster);
    }

    private static String cluster(String name, int port) {
        return """
                  - name: %s
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                """.formatted(name, port);
    }

    @Test
    void aRelayedConnectionClosesBeforeItsCertificateExpires() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callee = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        CertifiedKey shortLived = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofSeconds(8));
        Path caller = mesh.write("cart", shortLived);
        try (TestTcpServer echo = TestTcpServer.echo();
                ProxyFixture in = ProxyFixture.start("static_resources:\n  listeners:\n"
                        + tcpListener("inbound", "echo") + MeshFiles.downstreamTls(callee, "spiffe://cluster.local/",
                                "      ")
                        + "  clusters:\n" + cluster("echo", echo.port()));
                ProxyFixture out = ProxyFixture.start("static_resources:\n  listeners:\n"
                        + tcpListener("outbound", "peer") + "  clusters:\n"
                        + cluster("peer", in.sidecar().listenerAddress("inbound").getPort())
                        + MeshFiles.upstreamTls(caller, MtlsProxyTest.CALLEE, "    "))) {
            try (Socket s = new Socket("127.0.0.1", out.sidecar().listenerAddress("outbound").getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII),
                        "bytes flow through mTLS");
                int next;
                try {
                    next = s.getInputStream().read();
                } catch (SocketException e) {
                    next = -1;
                }
                Instant closed = Instant.now();
                assertEquals(-1, next, "the connection was closed");
                assertTrue(closed.isBefore(shortLived.notAfter()), "closed at " + closed + ", the certificate expires at "
                        + shortLived.notAfter());
            }
        }
    }
}
