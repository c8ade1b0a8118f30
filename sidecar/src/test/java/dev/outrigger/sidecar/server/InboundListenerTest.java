package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestTcpServer;
import dev.outrigger.testing.TestTlsEchoServer;
import dev.outrigger.testing.TestUpstream;
import dev.outrigger.testing.grpc.EchoGrpc;
import dev.outrigger.testing.grpc.EchoRequest;
import dev.outrigger.testing.grpc.GrpcEchoServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One listener shaped like a mesh's inbound listener, from YAML: inspectors look at the first
 * bytes, HTTP/1.1 and h2c go to the HTTP connection manager (which routes gRPC to an HTTP/2
 * cluster), TLS is passed through untouched to a TLS server, anything else goes to a TCP proxy.
 */
class InboundListenerTest {

    private static TestUpstream web;
    private static GrpcEchoServer grpc;
    private static TestTlsEchoServer tls;
    private static TestTcpServer tcp;
    private static ProxyFixture proxy;

    @BeforeAll
    static void start() throws Exception {
        web = TestUpstream.named("web");
        grpc = GrpcEchoServer.start();
        tls = TestTlsEchoServer.start();
        tcp = TestTcpServer.echo();
        String hcm = """
                {"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                 stat_prefix: inbound_http,
                 http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}],
                 route_config: {virtual_hosts: [{name: all, domains: ['*'], routes: [
                   {match: {prefix: /outrigger.testing.Echo/}, route: {cluster: grpc}},
                   {match: {prefix: /}, route: {cluster: web}}]}]}}""";
        String yaml = """
                static_resources:
                  listeners:
                  - name: inbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    listener_filters:
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                    - name: envoy.filters.listener.http_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector}
                    listener_filters_timeout: 0.2s
                    filter_chains:
                    - name: http
                      filter_chain_match: {transport_protocol: raw_buffer, application_protocols: [http/1.1, h2c]}
                      filters: [{name: envoy.filters.network.http_connection_manager, typed_config: %s}]
                    - name: tls-passthrough
                      filter_chain_match: {transport_protocol: tls}
                      filters: [{name: envoy.filters.network.tcp_proxy, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: tls, cluster: tls}}]
                    default_filter_chain:
                      filters: [{name: envoy.filters.network.tcp_proxy, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: tcp, cluster: tcp}}]
                  clusters: [%s, %s, %s, %s]
                """.formatted(hcm.replace("\n", " "), clusterOnPorts("web", "", web.port()),
                clusterOnPorts("grpc", TestConfigs.HTTP2, grpc.port()), clusterOnPorts("tls", "", tls.port()),
                clusterOnPorts("tcp", "", tcp.port()));
        proxy = ProxyFixture.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        web.close();
        grpc.close();
        tls.close();
        tcp.close();
    }

    private static String detected(String protocol) {
        return "outrigger_downstream_cx_detected_total{listener=\"inbound\",protocol=\"" + protocol + "\"}";
    }

    @Test
    void http11GoesToTheHttpConnectionManager() throws Exception {
        try (RawHttpClient client = proxy.client("inbound")) {
            RawHttpClient.Response r = client.get("/page");
            assertEquals("web", r.text());
            assertTrue(web.lastRequest().header("x-request-id") != null, "proxied as HTTP, with its headers");
        }
        assertTrue(proxy.admin("/stats/prometheus").contains(detected("http1")));
    }

    @Test
    void grpcOverCleartextHttp2GoesToTheHttpConnectionManager() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port("inbound")).usePlaintext().build();
        try {
            String reply = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .unary(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("via h2c")).build())
                    .getPayload().toStringUtf8();
            assertEquals("via h2c", reply);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertTrue(proxy.admin("/stats/prometheus").contains(detected("http2")));
    }

    @Test
    void tlsIsPassedThroughToTheTlsServerUntouched() throws Exception {
        try (SSLSocket s = (SSLSocket) TestTlsEchoServer.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", proxy.port("inbound"))) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            assertEquals("CN=tls-echo.test", ((java.security.cert.X509Certificate) s.getSession()
                    .getPeerCertificates()[0]).getSubjectX500Principal().getName(), "the upstream's certificate");
            s.getOutputStream().write("secret".getBytes(StandardCharsets.UTF_8));
            assertEquals("secret", new String(s.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
        }
        assertTrue(proxy.admin("/stats/prometheus").contains(detected("tls")));
    }

    @Test
    void otherBytesGoToTheDefaultTcpChain() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.port("inbound"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("\u0000\u0001binary-protocol".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertEquals("\u0000\u0001binary-protocol", new String(in.readNBytes(17), StandardCharsets.ISO_8859_1));
        }
        assertTrue(proxy.admin("/stats/prometheus").contains(detected("other")));
    }
}
