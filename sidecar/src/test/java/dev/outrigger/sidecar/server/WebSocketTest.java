package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestWebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSocket through the sidecar: the HTTP/1.1 upgrade, then a byte tunnel both ways. */
class WebSocketTest {

    private static final String ROUTES_WITH_WEBSOCKET =
            "[{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: ws, "
                    + "upgrade_configs: [{upgrade_type: websocket}]}}]}]";
    private static final String ROUTES_PLAIN =
            "[{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: ws}}]}]";

    /** Collects what the JDK's WebSocket client receives. */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void echoesTextAndLargeBinaryThroughTheTunnel() throws Exception {
        try (TestWebSocketServer upstream = TestWebSocketServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrap(ROUTES_WITH_WEBSOCKET,
                        clusterOnPorts("ws", "", upstream.port())))) {
            Collector got = new Collector();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port("outbound") + "/ws"), got)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("hello through outrigger", true).get(10, TimeUnit.SECONDS);
            assertEquals("hello through outrigger", got.messages.poll(10, TimeUnit.SECONDS));

            byte[] big = new byte[4 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            ws.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
            Object echoed = got.messages.poll(20, TimeUnit.SECONDS);
            assertTrue(echoed instanceof byte[] b && java.util.Arrays.equals(big, b), "4 MiB came back intact");

            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertEquals(WebSocket.NORMAL_CLOSURE, got.closed.get(10, TimeUnit.SECONDS));
            assertTrue(proxy.admin("/stats/prometheus").contains(
                    "outrigger_downstream_rq_total{listener=\"outbound\",response_code_class=\"1xx\"} 1.0"));
        }
    }

    @Test
    void anUpgradeTheRouteDoesNotAllowIs403() throws Exception {
        try (TestWebSocketServer upstream = TestWebSocketServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrap(ROUTES_PLAIN,
                        clusterOnPorts("ws", "", upstream.port())));
                RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response r = client.request("GET", "/ws", "h", Map.of("Connection", "Upgrade",
                    "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
                    "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), null);
            assertEquals(403, r.status());
            assertEquals("upgrade_failed", r.header("x-outrigger-error"));
        }
    }

    @Test
    void theConnectionManagerCanEnableUpgradesForEveryRoute() throws Exception {
        try (TestWebSocketServer upstream = TestWebSocketServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm("upgrade_configs: [{upgrade_type: websocket}],",
                        ROUTES_PLAIN, clusterOnPorts("ws", "", upstream.port())))) {
            Collector got = new Collector();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port("outbound") + "/ws"), got)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("ping", true).get(10, TimeUnit.SECONDS);
            assertEquals("ping", got.messages.poll(10, TimeUnit.SECONDS));
            ws.abort();
        }
    }
}
