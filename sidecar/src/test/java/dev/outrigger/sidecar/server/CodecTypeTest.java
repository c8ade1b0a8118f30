package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@code codec_type} at run time: which HTTP versions a connection manager serves, with and
 * without protocol detection, and what it does with a client that says nothing.
 */
class CodecTypeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The connection preface of an HTTP/2 client with prior knowledge. */
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    private static ProxyFixture proxy(String hcmExtra, TestUpstream web) throws Exception {
        return ProxyFixture.start(bootstrapWithHcm(hcmExtra, catchAll("web"), cluster("web", web)));
    }

    /** A listener with the HTTP inspector whose only chain, for every protocol, is a connection manager with {@code codec}. */
    private static ProxyFixture detectingProxy(String codec, TestUpstream web) throws Exception {
        String hcm = ("{\"@type\": \"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
                + ".HttpConnectionManager\", stat_prefix: in, codec_type: %s, route_config: {virtual_hosts: %s}, "
                + "http_filters: [{name: envoy.filters.http.router, typed_config: {\"@type\": "
                + "\"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\"}}]}")
                .formatted(codec, catchAll("web"));
        return ProxyFixture.start("""
                static_resources:
                  listeners:
                  - name: inbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    listener_filters:
                    - name: envoy.filters.listener.http_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector}
                    filter_chains:
                    - filters: [{name: envoy.filters.network.http_connection_manager, typed_config: %s}]
                  clusters: [%s]
                """.formatted(hcm, clusterOnPorts("web", "", web.port())));
    }

    /** Sends {@code bytes} on a new connection and returns everything the proxy answers until it closes. */
    private static String answerTo(int port, String bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void autoWithoutInspectorsClosesAClientThatSaysNothingAtTheIdleTimeout() throws Exception {
        try (TestUpstream web = TestUpstream.named("web");
                ProxyFixture proxy = proxy("common_http_protocol_options: {idle_timeout: 0.2s},", web);
                RawHttpClient silent = proxy.client("outbound")) {
            long start = System.nanoTime();
            assertTrue(silent.readTimeout(5_000).isClosedByPeer(), "closed by the proxy");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 150 && millis < 2_000, "closed at the 0.2 s idle timeout, after " + millis + " ms");
            Await.until("the connection is no longer counted", WAIT, () -> TcpTestConfigs.metric(proxy.sidecar(),
                    "outrigger_downstream_cx_active{listener=\"outbound\"}") == 0);
        }
    }

    @Test
    void http1RefusesHttp2AndServesAnH2cUpgradeRequestAsHttp11() throws Exception {
        try (TestUpstream web = TestUpstream.named("web");
                ProxyFixture proxy = proxy("codec_type: HTTP1,", web);
                RawHttpClient client = proxy.client("outbound");
                Http2TestClient h2 = Http2TestClient.connect(proxy.port("outbound"))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(h2.get("/h2")));
            assertFalse(h2.serverSettings().isDone(), "no HTTP/2 from the proxy: " + e.getCause());
            assertTrue(answerTo(proxy.port("outbound"), PREFACE).startsWith("HTTP/1.1 400 "),
                    "the preface is a malformed HTTP/1.1 request");

            RawHttpClient.Response r = client.request("GET", "/upgrade", "h", Map.of("Connection", "Upgrade, HTTP2-Settings",
                    "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAAQAAP__"), null);
            assertEquals(200, r.status(), "served, not switched (101)");
            assertEquals("web", r.text());
            assertEquals("/upgrade", web.lastRequest().uri());
            assertNull(web.lastRequest().header("upgrade"));
            assertEquals("web", client.get("/again").text(), "the connection stays HTTP/1.1");
            assertEquals(2, web.requests().size(), "nothing of the HTTP/2 attempts went upstream");
        }
    }

    @Test
    void http2RefusesHttp11AndServesHttp2() throws Exception {
        try (TestUpstream web = TestUpstream.named("web");
                ProxyFixture proxy = proxy("codec_type: HTTP2,", web);
                Http2TestClient h2 = Http2TestClient.connect(proxy.port("outbound"))) {
            String answer = answerTo(proxy.port("outbound"), "GET /h1 HTTP/1.1\r\nHost: h\r\n\r\n");
            assertFalse(answer.startsWith("HTTP/1."), "no HTTP/1.1 response, the connection is closed: " + answer);
            Http2TestClient.Response r = await(h2.get("/h2"));
            assertEquals(200, r.status());
            assertEquals("web", r.text());
            assertEquals("/h2", web.lastRequest().uri());
            assertEquals(1, web.requests().size());
        }
    }

    @Test
    void detectionDoesNotMakeAnHttp1ChainServeHttp2() throws Exception {
        try (TestUpstream web = TestUpstream.named("web");
                ProxyFixture proxy = detectingProxy("HTTP1", web);
                Http2TestClient h2 = Http2TestClient.connect(proxy.port("inbound"));
                RawHttpClient h1 = proxy.client("inbound")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(h2.get("/h2")));
            assertFalse(h2.serverSettings().isDone(), "no HTTP/2 from the proxy: " + e.getCause());
            assertTrue(answerTo(proxy.port("inbound"), PREFACE).startsWith("HTTP/1.1 400 "));
            assertEquals("web", h1.get("/h1").text(), "HTTP/1.1 is served");
            assertEquals(1, web.requests().size());
            assertTrue(proxy.admin("/stats/prometheus").contains(
                    "outrigger_downstream_cx_detected_total{listener=\"inbound\",protocol=\"http2\"}"),
                    "the inspector saw HTTP/2");
        }
    }
}
