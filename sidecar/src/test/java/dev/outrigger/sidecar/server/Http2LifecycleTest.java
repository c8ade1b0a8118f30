package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.HTTP2_UPSTREAM;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How HTTP/2 streams and connections end: draining with GOAWAY, and clients that reset or leave mid-request. */
class Http2LifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void drainSendsGoAwayFinishesTheOpenStreamAndThenCloses() throws Exception {
        try (TestUpstream slow = TestUpstream.start("slow", r -> Reply.ok("finished " + r.uri())
                        .delay(Duration.ofMillis(700)));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("slow"), cluster("slow", slow)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream inflight = client.send("GET", "/slow", "h", Map.of(), null);
            slow.awaitRequests(1, WAIT);

            CompletableFuture<Void> drained = proxy.sidecar().drain();
            Http2TestClient.GoAway goAway = await(client.goAway());
            assertEquals(inflight.id(), goAway.lastStreamId(), "the open stream is the last one served");
            assertEquals(Http2Error.NO_ERROR.code(), goAway.errorCode());
            assertTrue(client.isOpen(), "the connection stays for the stream in flight");
            assertFalse(drained.isDone());

            CompletableFuture<Http2TestClient.Response> late = client.get("/late");
            assertThrows(ExecutionException.class, () -> await(late), "no new stream after GOAWAY");

            Http2TestClient.Response r = await(inflight.response());
            assertEquals(200, r.status());
            assertEquals("finished /slow", r.text());
            assertTrue(client.closeFuture().await(5, TimeUnit.SECONDS), "the connection closes after its last stream");
            drained.get(5, TimeUnit.SECONDS);
            assertEquals(1, slow.requests().size(), "the refused stream never reached the upstream");
        }
    }

    @ParameterizedTest(name = "HTTP/2 upstream: {0}")
    @ValueSource(booleans = {false, true})
    void resettingAStreamMidUploadAbortsTheUpstreamRequest(boolean http2Upstream) throws Exception {
        try (TestUpstream a = http2Upstream ? TestUpstream.startHttp2("a", r -> Reply.ok(r.uri()), 100)
                        : TestUpstream.start("a", r -> Reply.ok(r.uri()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"),
                        cluster("a", http2Upstream ? HTTP2_UPSTREAM : "", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream upload = client.start("POST", "/upload", "h", Map.of("content-length", "1000000"));
            await(upload.send(new byte[100_000], false));
            Await.until("the upstream is receiving the upload", WAIT, () -> a.requestsStarted() == 1);

            upload.reset(Http2Error.CANCEL);
            Await.until("the upstream sees the request abandoned", WAIT, () -> a.requestsAborted() == 1);
            if (http2Upstream) {
                assertEquals(0, a.connectionsClosed(), "only the stream is reset; the connection serves on");
            } else {
                Await.until("the HTTP/1.1 connection, mid-request, cannot be reused", WAIT,
                        () -> a.connectionsClosed() == 1);
            }
            assertEquals("/after", await(client.get("/after")).text(), "the client's connection serves on");
            assertEquals(1, a.requests().size(), "the upload never completed upstream");
        }
    }

    @Test
    void aLocalReplyToAnUnfinishedRequestResetsOnlyThatStreamWithNoError() throws Exception {
        String vhosts = "[{name: only, domains: ['api.local'], routes: [{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream upload = client.start("POST", "/upload", "elsewhere", Map.of("content-length", "100000"));
            // The 404 may already be on its way: whether this piece is still accepted does not matter.
            upload.send(new byte[1_000], false);
            Http2TestClient.Response r = await(upload.response());
            assertEquals(404, r.status());
            assertEquals("no_route", r.header("x-outrigger-error"));
            // RFC 9113 8.1: a complete response to an incomplete request, then RST_STREAM NO_ERROR;
            // CANCEL would tell the client its request failed.
            assertEquals(Http2Error.NO_ERROR.code(), await(upload.serverReset()));

            assertTrue(client.isOpen(), "only the stream ended");
            Http2TestClient.Response next = await(client.request("GET", "/next", "api.local", Map.of(), null));
            assertEquals(200, next.status());
            assertEquals("a", next.text());
            assertEquals(List.of("/next"), a.requests().stream().map(RecordedRequest::uri).toList());
        }
    }

    /**
     * Stream A holds the cluster's only connection; stream B's upload waits for it, its first body
     * bytes queued unread in the proxy; then B's client goes away ({@code leave}). When A's
     * connection ends, B must not be sent: the next request gets the connection.
     */
    private static void aClientLeavingWhileItsRequestWaits(String how, ClientExit leave) throws Exception {
        String oneConnection = "circuit_breakers: {per_host_thresholds: [{max_connections: 1}]},";
        String routes = "[{name: all, domains: ['*'], routes: ["
                + "{match: {path: /ping}, direct_response: {status: 200, body: {inline_string: pong}}}, "
                + "{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/hang") ? Reply.hang() : Reply.ok(r.uri()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(routes, cluster("a", oneConnection, a)));
                RawHttpClient holder = proxy.client("outbound")) {
            holder.send("GET /hang HTTP/1.1\r\nHost: h\r\n\r\n");
            Await.until("the only connection is taken", WAIT, () -> a.requestsStarted() == 1);

            Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"));
            try {
                Http2TestClient.Stream upload = client.start("POST", "/upload", "h", Map.of("content-length", "100000"));
                await(upload.send(new byte[16_384], false));
                // The proxy reads a connection's frames in order: this local answer means it has also
                // read the upload's head and body bytes, which wait, unread, for the connection.
                assertEquals("pong", await(client.get("/ping")).text());
                leave.exit(client, upload);
            } finally {
                client.close();
            }
            // The proxy learns that the client left when it reads the RST_STREAM or the close; the
            // slot must not free up before that, or the upload could rightly be sent meanwhile.
            Await.until("the proxy withdrew the upload", WAIT, () -> TcpTestConfigs.metric(proxy.sidecar(),
                    "outrigger_downstream_rq_active{listener=\"outbound\"}") == 1);

            a.dropConnections(); // frees the only connection slot
            assertEquals(503, holder.read().status(), how);
            try (RawHttpClient next = proxy.client("outbound")) {
                assertEquals("/next", next.get("/next").text(), how + ": the next request gets the connection");
            }
            assertEquals(2, a.requestsStarted(), how + ": the abandoned upload never went upstream");
            assertEquals(List.of("/hang", "/next"), a.requests().stream().map(RecordedRequest::uri).toList());
        }
    }

    /** How a client abandons its stream. */
    private interface ClientExit {
        void exit(Http2TestClient client, Http2TestClient.Stream stream) throws Exception;
    }

    @Test
    void aStreamResetWhileWaitingForAConnectionIsWithdrawn() throws Exception {
        aClientLeavingWhileItsRequestWaits("reset", (client, stream) -> stream.reset(Http2Error.CANCEL));
    }

    @Test
    void aConnectionClosedWhileItsRequestWaitsIsWithdrawn() throws Exception {
        aClientLeavingWhileItsRequestWaits("close", (client, stream) -> client.close());
    }
}
