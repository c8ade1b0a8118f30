package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.Http2TestClient.Response;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** HTTP/2 clients on a listener with {@code codec_type: AUTO}: prior knowledge, {@code Upgrade: h2c}, SETTINGS. */
class Http2DownstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** An upstream that echoes method, target and body. */
    private static TestUpstream echo(String name) {
        return TestUpstream.start(name, r -> Reply.ok(r.method() + " " + r.uri() + " " + r.body()).header("x-from", name));
    }

    @Test
    void priorKnowledgeGetAndPostReachAnHttp1Upstream() throws Exception {
        try (TestUpstream a = echo("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Response get = await(client.request("GET", "/get?x=1", "svc.local", Map.of("x-custom", "one"), null));
            assertEquals(200, get.status());
            assertEquals("GET /get?x=1 ", get.text());
            assertEquals("a", get.header("x-from"));
            assertNoHttp2Extensions(get.headers().keySet());

            byte[] body = "hello over h2".getBytes(StandardCharsets.UTF_8);
            Response chunked = await(client.request("POST", "/post", "svc.local", Map.of(), body));
            assertEquals("POST /post hello over h2", chunked.text());
            Response sized = await(client.request("POST", "/sized", "svc.local",
                    Map.of("content-length", Integer.toString(body.length)), body));
            assertEquals("POST /sized hello over h2", sized.text());

            List<RecordedRequest> seen = a.awaitRequests(3, WAIT);
            for (RecordedRequest r : seen) {
                assertEquals("HTTP/1.1", r.protocol());
                assertEquals("svc.local", r.header("host"), "the :authority becomes Host");
                assertEquals("127.0.0.1", r.header("x-forwarded-for"));
                assertEquals("http", r.header("x-forwarded-proto"));
                assertNotNull(UUID.fromString(r.header("x-request-id")));
                assertNoHttp2Extensions(r.headers().names());
            }
            assertEquals("one", seen.get(0).header("x-custom"));
            // Without a content-length the HTTP/1.1 upstream must get the body chunked, or it would see none.
            assertEquals("chunked", seen.get(1).header("transfer-encoding"));
            assertEquals(body.length, seen.get(1).bodyBytes());
            assertEquals(Integer.toString(body.length), seen.get(2).header("content-length"));
            assertNull(seen.get(2).header("transfer-encoding"));
        }
    }

    @Test
    void theJdkClientUpgradesWithH2c() throws Exception {
        try (TestUpstream a = echo("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)))) {
            HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            URI base = URI.create("http://127.0.0.1:" + proxy.port("outbound"));
            HttpResponse<String> first = jdk.send(HttpRequest.newBuilder(base.resolve("/first")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, first.version(), "the h2c upgrade was accepted");
            assertEquals(200, first.statusCode());
            assertEquals("GET /first ", first.body());
            HttpResponse<String> second = jdk.send(HttpRequest.newBuilder(base.resolve("/second"))
                    .POST(HttpRequest.BodyPublishers.ofString("payload")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, second.version());
            assertEquals("POST /second payload", second.body());

            for (RecordedRequest r : a.awaitRequests(2, WAIT)) {
                // The upgrade's own headers describe the client's hop; none of them travels on.
                assertNull(r.header("upgrade"));
                assertNull(r.header("http2-settings"));
                assertNull(r.header("connection"));
                assertNoHttp2Extensions(r.headers().names());
                assertEquals("127.0.0.1", r.header("x-forwarded-for"));
            }
        }
    }

    @Test
    void anUpgradeAfterTheFirstRequestIsServedAsHttp1() throws Exception {
        try (TestUpstream a = echo("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = RawHttpClient.connect(proxy.port("outbound"))) {
            assertEquals("GET /one ", client.get("/one").text());
            client.send("GET /two HTTP/1.1\r\nHost: svc\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
            RawHttpClient.Response second = client.read();
            assertEquals(200, second.status(), "no 101: the upgrade is honoured on the first request only");
            assertEquals("GET /two ", second.text());
            assertEquals("GET /three ", client.get("/three").text());
            assertNull(a.awaitRequests(3, WAIT).get(1).header("upgrade"));
        }
    }

    @Test
    void theConfiguredSettingsAreAdvertised() throws Exception {
        String hcm = "http2_protocol_options: {max_concurrent_streams: 7, initial_stream_window_size: 131072, "
                + "initial_connection_window_size: 2097152},";
        try (TestUpstream a = echo("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm(hcm, catchAll("a"), cluster("a", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2Settings settings = await(client.serverSettings());
            assertEquals(7L, settings.maxConcurrentStreams());
            assertEquals(131072, settings.initialWindowSize());
            // The connection window is raised by a WINDOW_UPDATE right after the SETTINGS.
            Await.until("the connection window is 2 MiB", WAIT, () -> sendWindow(client) == 2 << 20);
            assertEquals(200, await(client.get("/")).status());
        }
    }

    @Test
    void maxRequestHeadersKbIsAdvertisedAsTheHeaderListLimit() throws Exception {
        try (TestUpstream a = echo("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm("max_request_headers_kb: 8,", catchAll("a"),
                        cluster("a", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            assertEquals(8192L, await(client.serverSettings()).maxHeaderListSize());
            assertEquals(200, await(client.get("/")).status());
        }
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
        String hcm = "http2_protocol_options: {max_concurrent_streams: 3},";
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(r.uri()).delay(Duration.ofMillis(500)));
                ProxyFixture proxy = ProxyFixture.start(bootstrapWithHcm(hcm, catchAll("a"), cluster("a", a)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            assertEquals(3L, await(client.serverSettings()).maxConcurrentStreams());
            client.ignoreServerStreamLimit();
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                responses.add(client.get("/" + i));
            }
            for (int i = 3; i < 5; i++) {
                CompletableFuture<Response> refused = responses.get(i);
                ExecutionException e = assertThrows(ExecutionException.class, () -> await(refused));
                Http2TestClient.StreamResetException reset =
                        assertInstanceOf(Http2TestClient.StreamResetException.class, e.getCause());
                assertEquals(Http2Error.REFUSED_STREAM.code(), reset.errorCode());
            }
            for (int i = 0; i < 3; i++) {
                Response r = await(responses.get(i));
                assertEquals(200, r.status());
                assertEquals("/" + i, r.text());
            }
            assertEquals(3, a.requests().size(), "refused streams never reach the upstream");
            assertTrue(client.isOpen(), "a refused stream is a stream error, not a connection error");
            assertEquals("/again", await(client.get("/again")).text(), "streams are free again");
        }
    }

    private static int sendWindow(Http2TestClient client) {
        try {
            return client.connectionSendWindow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNoHttp2Extensions(Iterable<String> names) {
        for (String name : names) {
            assertFalse(name.toLowerCase().startsWith("x-http2-"), "hop-specific header leaked: " + name);
        }
    }
}
