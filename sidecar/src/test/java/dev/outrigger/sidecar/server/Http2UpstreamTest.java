package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.DOWNSTREAM_PROTOCOL;
import static dev.outrigger.sidecar.server.TestConfigs.HTTP2_UPSTREAM;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Clusters that speak HTTP/2 to their endpoints: protocol conversion both ways, and the pool's streams. */
class Http2UpstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** An HTTP/2 upstream (100 streams per connection) that echoes method, target and body. */
    private static TestUpstream echoHttp2(String name) {
        return TestUpstream.startHttp2(name, r -> reply(r, name), 100);
    }

    private static Reply reply(RecordedRequest r, String name) {
        Reply reply = Reply.ok(r.method() + " " + r.uri() + " " + r.body()).header("x-from", name);
        // No content-length: the proxy must frame the body for an HTTP/1.1 client itself.
        return r.uri().startsWith("/unsized") ? reply.chunked() : reply;
    }

    @Test
    void anHttp1ClientReachesAnHttp2Upstream() throws Exception {
        try (TestUpstream a = echoHttp2("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", HTTP2_UPSTREAM, a)));
                RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response get = client.get("/get?x=1");
            assertEquals(200, get.status());
            assertEquals("GET /get?x=1 ", get.text());
            assertEquals("a", get.header("x-from"));
            assertNull(get.header("x-http2-stream-id"), "the proxy's own HTTP/2 hop stays hidden");

            client.send("POST /unsized HTTP/1.1\r\nHost: svc.local\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawHttpClient.Response post = client.read();
            assertEquals(200, post.status());
            assertEquals("POST /unsized hello world", post.text());
            assertEquals("chunked", post.header("transfer-encoding"), "a body without length is chunked for HTTP/1.1");
            assertNull(post.header("content-length"));

            List<RecordedRequest> seen = a.awaitRequests(2, WAIT);
            for (RecordedRequest r : seen) {
                assertTrue(r.isHttp2(), "the upstream was spoken to in HTTP/2");
                // Netty's HTTP/2 server codec at the upstream names the stream the request came on.
                assertNotNull(r.header("x-http2-stream-id"));
                assertEquals("127.0.0.1", r.header("x-forwarded-for"));
            }
            assertEquals("svc.local", seen.get(1).header("host"), "Host becomes :authority and back");
            assertEquals(11, seen.get(1).bodyBytes());
            assertEquals(seen.get(0).connectionId(), seen.get(1).connectionId(), "one HTTP/2 connection, two streams");
            assertEquals(1, a.connectionsAccepted());
        }
    }

    @Test
    void http2ClientToHttp2Upstream() throws Exception {
        try (TestUpstream a = echoHttp2("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", HTTP2_UPSTREAM, a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Response get = await(client.request("GET", "/g", "svc.local", Map.of("x-custom", "1"), null));
            assertEquals(200, get.status());
            assertEquals("GET /g ", get.text());
            byte[] body = new byte[200_000];
            java.util.Arrays.fill(body, (byte) 'b');
            Http2TestClient.Response post = await(client.request("POST", "/unsized", "svc.local", Map.of(), body));
            assertEquals(200, post.status());
            assertEquals("POST /unsized " + new String(body, StandardCharsets.UTF_8), post.text());
            for (Http2TestClient.Response r : List.of(get, post)) {
                assertEquals("a", r.header("x-from"));
                assertTrue(r.headers().keySet().stream().noneMatch(h -> h.startsWith("x-http2-")), r.headers().toString());
            }
            List<RecordedRequest> seen = a.awaitRequests(2, WAIT);
            assertTrue(seen.get(0).isHttp2());
            assertEquals("1", seen.get(0).header("x-custom"));
            assertEquals("svc.local", seen.get(0).header("host"));
            assertEquals(body.length, seen.get(1).bodyBytes());
            // The proxy sent :scheme http; the upstream's codec records it as x-http2-scheme.
            assertEquals("http", seen.get(1).header("x-http2-scheme"));
        }
    }

    @Test
    void useDownstreamProtocolFollowsTheClient() throws Exception {
        try (TestUpstream a = echoHttp2("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", DOWNSTREAM_PROTOCOL, a)));
                RawHttpClient h1 = proxy.client("outbound");
                Http2TestClient h2 = Http2TestClient.connect(proxy.port("outbound"))) {
            assertEquals("GET /from-h1 ", h1.get("/from-h1").text());
            assertEquals("GET /from-h2 ", await(h2.get("/from-h2")).text());
            List<RecordedRequest> seen = a.awaitRequests(2, WAIT);
            assertEquals("/from-h1", seen.get(0).uri());
            assertEquals("HTTP/1.1", seen.get(0).protocol());
            assertNull(seen.get(0).header("x-http2-stream-id"));
            assertEquals("/from-h2", seen.get(1).uri());
            assertEquals("HTTP/2", seen.get(1).protocol());
            assertEquals(2, a.connectionsAccepted(), "one upstream connection per protocol");
            assertFalse(seen.get(0).connectionId() == seen.get(1).connectionId());
        }
    }

    /** Six requests at once on one downstream HTTP/2 connection to an endpoint allowing 2 streams and answering in 300 ms. */
    private static long sixConcurrentRequests(TestUpstream a, String clusterExtra) throws Exception {
        try (ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", clusterExtra, a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            long start = System.nanoTime();
            List<CompletableFuture<Http2TestClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                responses.add(client.get("/" + i));
            }
            for (int i = 0; i < 6; i++) {
                Http2TestClient.Response r = await(responses.get(i));
                assertEquals(200, r.status(), r.text());
                assertEquals("/" + i, r.text());
            }
            assertEquals(6, a.requests().size());
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    @Test
    void thePoolOpensConnectionsWhenTheEndpointsStreamLimitIsReached() throws Exception {
        try (TestUpstream a = TestUpstream.startHttp2("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(300)), 2)) {
            sixConcurrentRequests(a, HTTP2_UPSTREAM);
            assertEquals(2, a.maxConcurrentStreamsPerConnection(), "the endpoint's SETTINGS are honoured");
            assertEquals(3, a.connectionsAccepted(), "6 streams, 2 per connection");
        }
    }

    @Test
    void withOneConnectionAllowedRequestsWaitForAStream() throws Exception {
        String limited = HTTP2_UPSTREAM + " circuit_breakers: {per_host_thresholds: [{max_connections: 1}]},";
        try (TestUpstream a = TestUpstream.startHttp2("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(300)), 2)) {
            long millis = sixConcurrentRequests(a, limited);
            assertEquals(1, a.connectionsAccepted());
            assertEquals(2, a.maxConcurrentStreamsPerConnection());
            assertTrue(millis >= 850, "three rounds of two streams take at least 900 ms, took " + millis);
        }
    }

    @Test
    void twoEventLoopsTakeTurnsWithTheOnlyConnectionAllowed() throws Exception {
        String oneConnection = HTTP2_UPSTREAM + " circuit_breakers: {per_host_thresholds: [{max_connections: 1}]},";
        String routes = "[{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: a, timeout: 5s}}]}]";
        try (TestUpstream a = TestUpstream.startHttp2("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(100)), 100);
                ProxyFixture proxy = ProxyFixture.start(withSidecarSettings(
                        bootstrap(routes, cluster("a", oneConnection, a)), "concurrency: 2"));
                // Accepted connections are dealt to the event loops in turn: these two are on different loops.
                RawHttpClient first = proxy.client("outbound");
                RawHttpClient second = proxy.client("outbound")) {
            long start = System.nanoTime();
            for (int round = 0; round < 3; round++) {
                first.send("GET /first-" + round + " HTTP/1.1\r\nHost: h\r\n\r\n");
                second.send("GET /second-" + round + " HTTP/1.1\r\nHost: h\r\n\r\n");
                RawHttpClient.Response one = first.read();
                RawHttpClient.Response two = second.read();
                assertEquals(200, one.status(), one.text());
                assertEquals("/first-" + round, one.text());
                assertEquals(200, two.status(), two.text());
                assertEquals("/second-" + round, two.text());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3_000, "six 100 ms requests, one connection at a time, took " + millis
                    + " ms: a loop waited for a slot another loop kept idle");
            assertTrue(a.connectionsAccepted() >= 2, "each loop needs its own connection: "
                    + a.connectionsAccepted());
        }
    }
}
