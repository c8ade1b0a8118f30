package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.HTTP2_UPSTREAM;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Endpoints of an HTTP/2 cluster that are not, or stop being, good HTTP/2 peers: one that speaks
 * only HTTP/1.1, one that never sends SETTINGS, one that says GOAWAY, and streams reset by the
 * endpoint before and after the response started.
 */
class Http2EndpointFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * A proxy with one event loop (so that all its clients share one pool) sending everything to
     * the HTTP/2 cluster {@code a} on {@code port}, with the given connect timeout.
     */
    private static ProxyFixture proxyTo(int port, String connectTimeout) throws Exception {
        String cluster = clusterOnPorts("a", HTTP2_UPSTREAM, port)
                .replace("connect_timeout: 1s", "connect_timeout: " + connectTimeout);
        return ProxyFixture.start(withSidecarSettings(bootstrap(catchAll("a"), cluster), "concurrency: 1"));
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void anEndpointThatSpeaksOnlyHttp11FailsFastWithoutAReconnectStorm() throws Exception {
        try (TestUpstream http1 = TestUpstream.named("http1");
                ProxyFixture proxy = proxyTo(http1.port(), "5s");
                RawHttpClient client = proxy.client("outbound")) {
            for (int i = 1; i <= 2; i++) {
                long start = System.nanoTime();
                RawHttpClient.Response r = client.get("/" + i);
                long millis = millisSince(start);
                assertEquals(503, r.status());
                assertEquals("upstream_connect_failure", r.header("x-outrigger-error"));
                assertTrue(millis < 2_000, "failed when the endpoint answered the preface, not after the 5 s "
                        + "connect timeout: " + millis + " ms");
            }
            assertEquals(2, http1.connectionsAccepted(), "one connection attempt per request");
            assertEquals(2.0, TcpTestConfigs.metric(proxy.sidecar(),
                    "outrigger_upstream_cx_connect_fail_total{cluster=\"a\"}"));
        }
    }

    @Test
    void anEndpointThatNeverSendsSettingsFailsAfterTheConnectTimeout() throws Exception {
        // The kernel completes the handshake into the backlog; nobody ever reads or writes.
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                ProxyFixture proxy = proxyTo(silent.getLocalPort(), "0.3s");
                RawHttpClient client = proxy.client("outbound")) {
            long start = System.nanoTime();
            RawHttpClient.Response r = client.get("/");
            long millis = millisSince(start);
            assertEquals(503, r.status());
            assertEquals("upstream_connect_timeout", r.header("x-outrigger-error"), "no SETTINGS within connect_timeout");
            assertTrue(millis >= 250 && millis < 2_000, "the SETTINGS wait ends at the 0.3 s connect timeout, "
                    + "long before the 15 s route timeout: " + millis + " ms");
        }
    }

    @Test
    void afterGoAwayNewRequestsTakeANewConnectionWhileTheOpenStreamFinishes() throws Exception {
        try (ScriptedHttp2Endpoint endpoint = new ScriptedHttp2Endpoint();
                ProxyFixture proxy = proxyTo(endpoint.port(), "1s");
                RawHttpClient held = proxy.client("outbound");
                RawHttpClient next = proxy.client("outbound")) {
            assertEquals("/first on 1", next.get("/first").text());
            held.send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
            Await.until("the held request reached the endpoint", WAIT, () -> endpoint.requests() == 2);

            endpoint.goAway().get(10, TimeUnit.SECONDS);
            assertEquals("/after on 2", next.get("/after").text(), "a new connection after GOAWAY");

            endpoint.releaseHeld();
            RawHttpClient.Response r = held.read();
            assertEquals(200, r.status(), "the stream open before GOAWAY finished on the old connection");
            assertEquals("held", r.text());
            Await.until("the old connection closes after its last stream", WAIT, () -> endpoint.connectionsClosed() == 1);
            assertEquals("/again on 2", next.get("/again").text());
            assertEquals(2, endpoint.connectionsAccepted());
        }
    }

    @Test
    void aStreamResetBeforeTheResponseIs503AndTheConnectionServesOn() throws Exception {
        try (ScriptedHttp2Endpoint endpoint = new ScriptedHttp2Endpoint();
                ProxyFixture proxy = proxyTo(endpoint.port(), "1s");
                RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response r = client.get("/reset");
            assertEquals(503, r.status());
            assertEquals("upstream_reset", r.header("x-outrigger-error"));
            assertEquals("/ok on 1", client.get("/ok").text(), "a reset stream leaves its connection alone");
            assertEquals(1, endpoint.connectionsAccepted());
        }
    }

    @Test
    void aGrpcStreamResetAfterTheResponseStartedEndsWithAStatusInTrailers() throws Exception {
        try (ScriptedHttp2Endpoint endpoint = new ScriptedHttp2Endpoint();
                ProxyFixture proxy = proxyTo(endpoint.port(), "1s");
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream call = client.start("POST", "/grpc-reset", "svc",
                    Map.of("content-type", "application/grpc", "te", "trailers"));
            assertEquals(200, await(call.head()), "the response started");
            // The endpoint resets the stream when the request ends.
            CompletableFuture<Void> sent = call.send(new byte[5], true);
            await(sent);
            Http2TestClient.Response r = await(call.response());
            assertEquals(200, r.status());
            assertEquals("application/grpc", r.header("content-type"));
            assertEquals(List.of("14"), r.trailers().get("grpc-status"), "UNAVAILABLE: " + r.trailers());
            assertEquals(List.of("upstream_reset"), r.trailers().get("x-outrigger-error"));
            assertTrue(client.isOpen());
        }
    }
}
