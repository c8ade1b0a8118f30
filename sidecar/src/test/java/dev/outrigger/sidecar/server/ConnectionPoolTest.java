package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream connection pooling: limits, queueing, idle timeout, and upstream-side closes. */
class ConnectionPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Six clients at once against an endpoint limited to one connection; every one must be answered. */
    private static void sixConcurrentRequests(int eventLoops, TestUpstream a) throws Exception {
        String limits = "circuit_breakers: {per_host_thresholds: [{max_connections: 1}]},";
        String yaml = withSidecarSettings(bootstrap(catchAll("a"), cluster("a", limits, a)), "concurrency: " + eventLoops);
        try (ProxyFixture proxy = ProxyFixture.start(yaml)) {
            List<RawHttpClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    RawHttpClient c = proxy.client("outbound");
                    clients.add(c);
                    c.send("GET /q" + i + " HTTP/1.1\r\nHost: h\r\n\r\n");
                }
                for (int i = 0; i < 6; i++) {
                    RawHttpClient.Response r = clients.get(i).read();
                    assertEquals(200, r.status());
                    assertEquals("/q" + i, r.text());
                }
            } finally {
                for (RawHttpClient c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void requestsBeyondTheEndpointConnectionLimitWaitForTheConnection() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(50)))) {
            sixConcurrentRequests(1, a);
            assertEquals(1, a.connectionsAccepted(), "one connection served all six requests in turn");
            assertEquals(6, a.requests().size());
        }
    }

    @Test
    void waitersOnAnotherEventLoopGetTheSlotWhenAConnectionIsReleased() throws Exception {
        // A connection cannot move between event loops: the pool that holds it must give it up.
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(50)))) {
            sixConcurrentRequests(2, a);
            assertEquals(6, a.requests().size());
        }
    }

    @Test
    void requestsBeyondMaxRequestsAreRefusedAtOnceAndTheSlotComesBack() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (TestUpstream a = TestUpstream.start("a", r -> {
            if (r.uri().equals("/slow")) {
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.ok(r.uri());
        });
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"),
                        cluster("a", "circuit_breakers: {thresholds: [{max_requests: 1}]},", a)));
                RawHttpClient first = proxy.client("outbound");
                RawHttpClient second = proxy.client("outbound")) {
            first.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
            dev.outrigger.testing.Await.until("the first request reached the endpoint", WAIT,
                    () -> a.requestsStarted() == 1);
            RawHttpClient.Response refused = second.request("GET", "/second", "h", java.util.Map.of(), null);
            assertEquals(503, refused.status());
            assertEquals("upstream_overflow", refused.header("x-outrigger-error"));
            release.countDown();
            assertEquals("/slow", first.read().text());
            // The slot is given back when the first exchange ends, just after its response is written.
            dev.outrigger.testing.Await.until("the slot is given back", WAIT, () -> {
                try {
                    return second.request("GET", "/third", "h", java.util.Map.of(), null).status() == 200;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            java.util.regex.Matcher overflows = java.util.regex.Pattern.compile(
                    "outrigger_upstream_rq_overflow_total\\{cluster=\"a\"} (\\d+)\\.0").matcher(proxy.admin("/stats/prometheus"));
            assertTrue(overflows.find() && Integer.parseInt(overflows.group(1)) >= 1, "the refusal was counted");
        }
    }

    @Test
    void idlePooledConnectionsCloseAfterTheIdleTimeout() throws Exception {
        String options = "typed_extension_protocol_options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: "
                + "{\"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions, "
                + "common_http_protocol_options: {idle_timeout: 0.2s}, explicit_http_config: {http_protocol_options: {}}}},";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", options, a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertEquals(200, client.get("/1").status());
            Await.until("the idle upstream connection is closed", WAIT, () -> a.connectionsClosed() == 1);
            assertEquals(200, client.get("/2").status());
            assertEquals(2, a.connectionsAccepted());
        }
    }

    @Test
    void anUpstreamClosingAnIdleConnectionIsNoticedBeforeReuse() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertEquals(200, client.get("/before").status());
            a.dropConnections();
            Await.until("the proxy sees the close", WAIT, () -> proxy.admin("/clusters").contains("::cx_active::0\n"));
            RawHttpClient.Response r = client.get("/after");
            assertEquals(200, r.status(), r.text());
            assertEquals(2, a.connectionsAccepted());
        }
    }

    @Test
    void aConnectionIsRetiredAfterMaxRequestsPerConnection() throws Exception {
        String options = "typed_extension_protocol_options: {envoy.extensions.upstreams.http.v3.HttpProtocolOptions: "
                + "{\"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions, "
                + "common_http_protocol_options: {max_requests_per_connection: 2}, "
                + "explicit_http_config: {http_protocol_options: {}}}},";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", options, a)));
                RawHttpClient client = proxy.client("outbound")) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, client.get("/" + i).status());
            }
            List<RecordedRequest> seen = a.awaitRequests(5, WAIT);
            assertEquals(List.of(1, 1, 2, 2, 3), seen.stream().map(RecordedRequest::connectionId).toList());
        }
    }

    @Test
    void idleDownstreamConnectionsCloseAfterTheListenersIdleTimeout() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm(
                        "common_http_protocol_options: {idle_timeout: 0.2s},", catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertEquals(200, client.get("/").status());
            long start = System.nanoTime();
            assertTrue(client.isClosedByPeer());
            assertTrue(System.nanoTime() - start >= 100_000_000L, "closed by the idle timer, not at once");
        }
    }
}
