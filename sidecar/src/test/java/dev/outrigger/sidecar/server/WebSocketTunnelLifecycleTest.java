package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.HTTP2_UPSTREAM;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import dev.outrigger.testing.TestWebSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a WebSocket tunnel ends: the idle timeout, draining, and an upgrade that cannot be tunnelled. */
class WebSocketTunnelLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String UPGRADES = "upgrade_configs: [{upgrade_type: websocket}],";
    private static final Map<String, String> UPGRADE_HEADERS = Map.of("Connection", "Upgrade", "Upgrade", "websocket",
            "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

    /** A WebSocket client on a plain socket: the upgrade, then small text frames, byte by byte. */
    private static final class RawWebSocket implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        private RawWebSocket(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: h\r\n");
            UPGRADE_HEADERS.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead();
            if (!head.startsWith("HTTP/1.1 101 ")) {
                throw new IOException("not upgraded: " + head);
            }
        }

        static RawWebSocket open(int port) throws IOException {
            return new RawWebSocket(port);
        }

        /** The response head, up to the empty line, read a byte at a time so no frame byte is taken. */
        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("closed in the response head: " + head);
                }
                head.write(b);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        /** A final text frame, masked as a client's must be (with a zero key, so the payload reads as is). */
        void sendText(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            frame.write(0x80 | payload.length); // short texts only: length < 126
            frame.write(new byte[4], 0, 4);
            frame.write(payload, 0, payload.length);
            socket.getOutputStream().write(frame.toByteArray());
        }

        /** The next frame from the server (unmasked, short): its text. */
        String readText() throws IOException {
            byte[] header = in.readNBytes(2);
            if (header.length < 2 || header[0] != (byte) 0x81) {
                throw new IOException("not a text frame: " + header.length + " byte(s)");
            }
            return new String(in.readNBytes(header[1] & 0x7f), StandardCharsets.UTF_8);
        }

        /** Whether the proxy closed the connection within {@code millis}. */
        boolean closedWithin(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // a reset is a close too
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void theIdleTimeoutClosesASilentTunnelOnBothSides() throws Exception {
        try (TestWebSocketServer upstream = TestWebSocketServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm(
                        UPGRADES + " common_http_protocol_options: {idle_timeout: 0.3s},",
                        catchAll("ws"), clusterOnPorts("ws", "", upstream.port())));
                RawWebSocket ws = RawWebSocket.open(proxy.port("outbound"))) {
            ws.sendText("hello");
            assertEquals("hello", ws.readText(), "the tunnel works");
            long lastByte = System.nanoTime();
            assertTrue(ws.closedWithin(5_000), "the silent tunnel is closed");
            long millis = (System.nanoTime() - lastByte) / 1_000_000;
            assertTrue(millis >= 250 && millis < 2_000, "closed at the 0.3 s idle timeout, after " + millis + " ms");
            Await.until("the endpoint's side of the tunnel is closed too", WAIT, () -> upstream.connectionsClosed() == 1);
        }
    }

    @Test
    void drainingLetsATunnelRunUntilTheDeadlineThenClosesIt() throws Exception {
        try (TestWebSocketServer upstream = TestWebSocketServer.start();
                ProxyFixture proxy = ProxyFixture.start(withSidecarSettings(bootstrapWithHcm(UPGRADES,
                        catchAll("ws"), clusterOnPorts("ws", "", upstream.port())), "drain_timeout: 0.5s"));
                RawWebSocket ws = RawWebSocket.open(proxy.port("outbound"))) {
            ws.sendText("before");
            assertEquals("before", ws.readText());

            long start = System.nanoTime();
            CompletableFuture<Void> drained = proxy.sidecar().drain();
            ws.sendText("during");
            assertEquals("during", ws.readText(), "the tunnel keeps running while draining");
            assertFalse(drained.isDone(), "the open tunnel holds the drain");

            drained.get(5, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 450, "the tunnel ran until the 0.5 s deadline: " + millis + " ms");
            assertTrue(ws.closedWithin(5_000), "closed at the deadline");
            Await.until("the endpoint's side is closed too", WAIT, () -> upstream.connectionsClosed() == 1);
        }
    }

    @Test
    void anUpgradeToAClusterSpokenToInHttp2Is403() throws Exception {
        try (TestUpstream h2 = TestUpstream.startHttp2("h2", r -> Reply.ok("no"), 100);
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm(UPGRADES, catchAll("h2"),
                        cluster("h2", HTTP2_UPSTREAM, h2)));
                RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response r = client.request("GET", "/ws", "h", UPGRADE_HEADERS, null);
            assertEquals(403, r.status());
            assertEquals("upgrade_failed", r.header("x-outrigger-error"));
            assertEquals(0, h2.connectionsAccepted(), "nothing went to the endpoint");
        }
    }
}
