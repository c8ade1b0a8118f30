package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 data path through a real sidecar to real upstream servers. */
class ProxyHttp1Test {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void roundRobinSpreadsRequestsEvenlyOverThreeUpstreams() throws Exception {
        try (TestUpstream a = TestUpstream.named("a"); TestUpstream b = TestUpstream.named("b");
                TestUpstream c = TestUpstream.named("c");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("abc"), cluster("abc", a, b, c)))) {
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                // a new connection each time: the spread must not depend on connection or event loop
                try (RawHttpClient client = proxy.client("outbound")) {
                    Response r = client.get("/rr");
                    assertEquals(200, r.status());
                    order.append(r.text());
                }
            }
            Map<Character, Long> counts = order.chars().mapToObj(ch -> (char) ch)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(Map.of('a', 10L, 'b', 10L, 'c', 10L), counts);
            // strict rotation: every window of three holds all three upstreams
            for (int i = 0; i + 3 <= order.length(); i++) {
                assertEquals(3, order.substring(i, i + 3).chars().distinct().count(), order.toString());
            }
        }
    }

    @Test
    void endpointWeightsSkewTheRotation() throws Exception {
        try (TestUpstream a = TestUpstream.named("a"); TestUpstream b = TestUpstream.named("b")) {
            String weighted = "{name: ab, type: STATIC, connect_timeout: 1s, load_assignment: {cluster_name: ab, "
                    + "endpoints: [{lb_endpoints: ["
                    + "{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: " + a.port() + "}}}, "
                    + "load_balancing_weight: 3}, "
                    + "{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: " + b.port() + "}}}}]}]}}";
            try (ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("ab"), weighted));
                    RawHttpClient client = proxy.client("outbound")) {
                StringBuilder order = new StringBuilder();
                for (int i = 0; i < 40; i++) {
                    order.append(client.get("/w").text());
                }
                assertEquals(30, order.chars().filter(c -> c == 'a').count(), order.toString());
                assertTrue(order.indexOf("aaaa") < 0, "turns are spread out: " + order);
            }
        }
    }

    @Test
    void absoluteFormTargetsSetTheUpstreamHost() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            Response r = client.request("GET", "http://target.example:8080/p?q=1", "other.example", Map.of(), null);
            assertEquals(200, r.status());
            assertEquals("/p?q=1", a.lastRequest().uri(), "origin form upstream");
            assertEquals("target.example:8080", a.lastRequest().header("host"), "the target's authority wins");
        }
    }

    @Test
    void keepAliveReusesOneUpstreamConnection() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            for (int i = 0; i < 25; i++) {
                Response r = client.get("/reuse/" + i);
                assertEquals(200, r.status());
                assertNull(r.header("connection"));
            }
            List<RecordedRequest> seen = a.awaitRequests(25, WAIT);
            assertEquals(1, a.connectionsAccepted());
            assertEquals(1, seen.stream().mapToInt(RecordedRequest::connectionId).distinct().count());
            assertEquals("/reuse/24", seen.get(24).uri());
        }
    }

    @Test
    void setsForwardedHeadersAndRemovesHopByHopHeaders() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("x").header("Keep-Alive", "timeout=5")
                        .header("Connection", "x-upstream-private").header("x-upstream-private", "1"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            Response r = client.request("GET", "/h", "svc.local", Map.of(
                    "Connection", "keep-alive, x-private",
                    "x-private", "secret",
                    "Keep-Alive", "timeout=5",
                    "Proxy-Connection", "keep-alive",
                    "TE", "gzip",
                    "X-Forwarded-For", "10.0.0.1"), null);
            assertEquals(200, r.status());
            assertNull(r.header("keep-alive"));
            assertNull(r.header("x-upstream-private"));
            RecordedRequest seen = a.lastRequest();
            assertEquals("10.0.0.1, 127.0.0.1", seen.header("x-forwarded-for"));
            assertEquals("http", seen.header("x-forwarded-proto"));
            assertTrue(seen.header("x-request-id").matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
                    seen.header("x-request-id"));
            assertEquals("svc.local", seen.header("host"));
            for (String h : List.of("x-private", "keep-alive", "proxy-connection", "te", "connection")) {
                assertNull(seen.header(h), h + " must not reach the upstream");
            }

            client.request("GET", "/h", "svc.local", Map.of("x-request-id", "given-id", "TE", "trailers"), null);
            assertEquals("given-id", a.lastRequest().header("x-request-id"));
            assertEquals("trailers", a.lastRequest().header("te"));
        }
    }

    @Test
    void streamsContentLengthAndChunkedBodiesBothWays() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/chunked-back")
                        ? Reply.ok("echo:" + r.body()).chunked() : Reply.ok("echo:" + r.body()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            Response r = client.request("POST", "/cl", "h", Map.of(), "hello body");
            assertEquals("echo:hello body", r.text());
            assertEquals("hello body", a.lastRequest().body());

            client.send("POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            r = client.read();
            assertEquals(200, r.status());
            assertEquals("echo:hello world", r.text());
            assertEquals(11, a.lastRequest().bodyBytes());

            r = client.request("POST", "/chunked-back", "h", Map.of(), "abc");
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("echo:abc", r.text());
        }
    }

    @Test
    void answersExpectContinueItselfAndForwardsTheBody() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("got " + r.bodyBytes()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            Response interim = client.read();
            assertEquals(100, interim.status());
            client.send("data");
            Response r = client.read();
            assertEquals(200, r.status());
            assertEquals("got 4", r.text());
            assertNull(a.lastRequest().header("expect"));
        }
    }

    @Test
    void pipelinedResponsesLeaveInRequestOrder() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/slow")
                        ? Reply.ok(r.uri()).delay(Duration.ofMillis(300)) : Reply.ok(r.uri()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /third HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals("/slow", client.read().text());
            assertEquals("/second", client.read().text());
            assertEquals("/third", client.read().text());
            assertEquals("abc", a.awaitRequests(3, WAIT).get(1).body());
        }
    }

    @Test
    void aResponseToHeadHasNoBodyAndBothConnectionsStayInStep() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("ten bytes!"));
                ProxyFixture proxy = ProxyFixture.start(withSidecarSettings(bootstrap(catchAll("a"), cluster("a", a)),
                        "concurrency: 1"));
                RawHttpClient client = proxy.client("outbound")) {
            for (int i = 0; i < 2; i++) {
                client.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n");
                Response head = client.read(true);
                assertEquals(200, head.status());
                assertEquals("10", head.header("content-length"), "the length a GET would have");
                assertEquals(0, head.body().length);
                // The next response on each connection is read from the right place.
                assertEquals("ten bytes!", client.get("/after").text());
            }
            assertEquals(List.of("HEAD", "GET", "HEAD", "GET"),
                    a.awaitRequests(4, WAIT).stream().map(RecordedRequest::method).toList());
            assertEquals(1, a.connectionsAccepted(), "one upstream connection carried all four");
        }
    }

    @Test
    void http10ClientGetsItsResponseAndTheConnectionCloses() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("ten").chunked());
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET /old HTTP/1.0\r\nExpect: 100-continue\r\n\r\n");
            Response r = client.read();
            assertEquals(200, r.status(), "an HTTP/1.0 expectation is ignored, not answered 100 or 417");
            assertNull(r.header("transfer-encoding"), "HTTP/1.0 knows no chunked encoding");
            assertEquals("ten", r.text(), "raw body, ended by the close");
            assertTrue(client.isClosedByPeer());
            assertNotNull(a.lastRequest().header("host"), "HTTP/1.1 upstream requests always carry Host");
        }
    }

    @Test
    void theNioTransportServesTheSameWay() throws Exception {
        try (TestUpstream a = TestUpstream.named("a")) {
            String yaml = withSidecarSettings(bootstrap(catchAll("a"), cluster("a", a)), "transport: NIO");
            try (ProxyFixture proxy = ProxyFixture.start(yaml); RawHttpClient client = proxy.client("outbound")) {
                assertEquals("a", client.get("/").text());
                assertTrue(proxy.admin("/server_info").contains("\"transport\": \"nio\""),
                        proxy.admin("/server_info"));
            }
        }
    }

    @Test
    void headRequestsAndBodilessStatusesCarryNoBody() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/204") ? Reply.status(204, "")
                        : Reply.ok("a body the HEAD response must not carry"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            Response head = client.request("HEAD", "/", "h", Map.of(), null);
            assertEquals(200, head.status());
            assertEquals("39", head.header("content-length"));
            Response noContent = client.get("/204");
            assertEquals(204, noContent.status());
            assertNull(noContent.header("transfer-encoding"));
            assertEquals("a body the HEAD response must not carry", client.get("/").text(),
                    "the connection is still in sync after both");
        }
    }

    @Test
    void connectionHeaderCannotStripFramingOrHost() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(r.method() + " " + r.uri() + " " + r.body()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
            client.send("POST /a HTTP/1.1\r\nHost: svc\r\nConnection: content-length, host, transfer-encoding\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
            Response r = client.read();
            assertEquals("POST /a " + smuggled, r.text(), "the body stays the body");
            assertEquals(1, a.requests().size(), "no second request appeared upstream");
            assertEquals("svc", a.lastRequest().header("host"));
            assertEquals(String.valueOf(smuggled.length()), a.lastRequest().header("content-length"));
        }
    }

    @Test
    void chunkedWithAContentLengthIs400AndClosesTheConnection() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            // RFC 9112 6.3: a front proxy and Outrigger could disagree on where such a body ends,
            // so, like Envoy by default, it is refused, and what follows is never read as a request.
            client.send("POST /te HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n");
            Response r = client.read();
            assertEquals(400, r.status());
            assertTrue(client.isClosedByPeer(), "closed after the response");
            assertEquals(0, a.requests().size(), "nothing reached the upstream");
        }
    }

    @Test
    void duplicateHostAndUnknownExpectationsAreRejected() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
            Response twoHosts = client.read();
            assertEquals(400, twoHosts.status());
            assertEquals("bad_request", twoHosts.header("x-outrigger-error"));
            Response expect = client.request("GET", "/", "h", Map.of("Expect", "something-else"), null);
            assertEquals(417, expect.status());
            assertEquals("expectation_failed", expect.header("x-outrigger-error"));
            assertEquals(0, a.requests().size());
        }
    }

    @Test
    void aLocalReplyToA100ContinueRequestClosesInsteadOfWaitingForTheBody() throws Exception {
        String vhosts = "[{name: only, domains: ['api.local'], routes: [{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("PUT / HTTP/1.1\r\nHost: elsewhere\r\nContent-Length: 40\r\nExpect: 100-continue\r\n\r\n");
            Response r = client.read();
            assertEquals(404, r.status(), "no 100 Continue first: the client must not send its body");
            assertEquals("close", r.header("connection"));
            assertTrue(client.isClosedByPeer());
        }
    }

    @Test
    void http11RequestWithoutHostIsRejected() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET / HTTP/1.1\r\n\r\n");
            Response r = client.read();
            assertEquals(400, r.status());
            assertEquals("bad_request", r.header("x-outrigger-error"));
            assertFalse(a.requests().iterator().hasNext());
        }
    }
}
