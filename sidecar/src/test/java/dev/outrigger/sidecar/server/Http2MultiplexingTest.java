package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.HTTP2_UPSTREAM;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.BufferMemorySampler;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams of one downstream HTTP/2 connection are independent: they run concurrently, and one
 * stream whose client does not read holds back only itself, with bounded memory in the proxy.
 * Each test runs against an HTTP/1.1 and an HTTP/2 upstream.
 */
class Http2MultiplexingTest {

    private static final Logger log = LoggerFactory.getLogger(Http2MultiplexingTest.class);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long BIG = 16L << 20;
    /** Buffer memory of the default allocator (proxy, client and upstream together) may not exceed this at any moment. */
    private static final long MAX_POOLED_BYTES = 4L << 20;

    private static TestUpstream upstream(boolean http2, Function<RecordedRequest, Reply> responder) {
        return http2 ? TestUpstream.startHttp2("a", responder, 1000) : TestUpstream.start("a", responder);
    }

    private static String config(boolean http2, TestUpstream a) {
        return bootstrap(catchAll("a"), cluster("a", http2 ? HTTP2_UPSTREAM : "", a));
    }

    @ParameterizedTest(name = "HTTP/2 upstream: {0}")
    @ValueSource(booleans = {false, true})
    void fiftySlowRequestsOnOneConnectionRunConcurrently(boolean http2Upstream) throws Exception {
        try (TestUpstream a = upstream(http2Upstream, r -> Reply.ok(r.uri()).delay(Duration.ofMillis(200)));
                ProxyFixture proxy = ProxyFixture.start(config(http2Upstream, a));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            long start = System.nanoTime();
            List<CompletableFuture<Http2TestClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                responses.add(client.get("/" + i));
            }
            for (int i = 0; i < 50; i++) {
                Http2TestClient.Response r = await(responses.get(i));
                assertEquals(200, r.status());
                assertEquals("/" + i, r.text());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            log.info("50 requests of 200 ms on one connection (HTTP/2 upstream: {}): {} ms", http2Upstream, millis);
            // One after the other would take 10 s; concurrently a little over 200 ms.
            assertTrue(millis < 2_000, "took " + millis + " ms");
            assertEquals(50, a.requests().size());
            if (http2Upstream) {
                assertEquals(1, a.connectionsAccepted(), "all 50 as streams of one upstream connection");
                assertTrue(a.maxConcurrentStreamsPerConnection() > 10, "concurrent upstream streams: "
                        + a.maxConcurrentStreamsPerConnection());
            }
        }
    }

    @ParameterizedTest(name = "HTTP/2 upstream: {0}")
    @ValueSource(booleans = {false, true})
    void aStreamThatIsNotReadDoesNotHoldBackTheOthers(boolean http2Upstream) throws Exception {
        Function<RecordedRequest, Reply> responder = r -> r.uri().equals("/big") ? Reply.stream(BIG) : Reply.ok(r.uri());
        try (TestUpstream a = upstream(http2Upstream, responder);
                ProxyFixture proxy = ProxyFixture.start(config(http2Upstream, a));
                BufferMemorySampler memory = new BufferMemorySampler();
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream stalled = client.stalled("GET", "/big", "h", Map.of());
            a.awaitRequests(1, WAIT);
            // The big response is under way and stuck: a round trip on the same connection proves
            // the proxy has read what it could of it meanwhile.
            assertEquals("/first", await(client.get("/first")).text());

            long start = System.nanoTime();
            List<CompletableFuture<Http2TestClient.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                responses.add(client.get("/" + i));
            }
            for (int i = 0; i < 20; i++) {
                Http2TestClient.Response r = await(responses.get(i));
                assertEquals(200, r.status());
                assertEquals("/" + i, r.text());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertFalse(stalled.response().isDone(), "the unread response is still held back by flow control");
            assertTrue(client.isOpen());
            log.info("stalled 16 MiB stream (HTTP/2 upstream: {}): 20 other requests in {} ms, peak buffer memory {} bytes",
                    http2Upstream, millis, memory.peak());
            assertTrue(memory.peak() < MAX_POOLED_BYTES, "peak pooled memory " + memory.peak());
        }
    }
}
