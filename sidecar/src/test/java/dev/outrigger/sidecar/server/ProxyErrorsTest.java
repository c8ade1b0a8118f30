package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every way a request can fail gets its status, a short body and an {@code x-outrigger-error} reason. */
class ProxyErrorsTest {

    private static void assertLocalError(Response r, int status, String reason) {
        assertEquals(status, r.status(), r.text());
        assertEquals(reason, r.header("x-outrigger-error"));
        assertEquals("outrigger", r.header("server"));
        assertTrue(r.text().endsWith("\n") && r.text().length() > 5, "short text body: " + r.text());
    }

    @Test
    void aLocalReplyToHeadHasItsHeadersButNoBody() throws Exception {
        String vhosts = "[{name: only, domains: ['api.local'], routes: [{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("HEAD / HTTP/1.1\r\nHost: other.local\r\n\r\n");
            RawHttpClient.Response head = client.read(true);
            assertEquals(404, head.status());
            assertTrue(Integer.parseInt(head.header("content-length")) > 0, "the length a GET would get");
            assertEquals(0, head.body().length);
            // Had the body been sent, it would be read here as the next response's start.
            assertLocalError(client.request("GET", "/", "other.local", Map.of(), null), 404, "no_route");
            assertEquals(200, client.request("GET", "/", "api.local", Map.of(), null).status());
        }
    }

    @Test
    void noMatchingRouteIs404AndKeepsTheConnection() throws Exception {
        String vhosts = "[{name: only, domains: ['api.local'], routes: [{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertLocalError(client.request("GET", "/", "other.local", Map.of(), null), 404, "no_route");
            // a small body is read and dropped, so the connection serves the next request
            assertLocalError(client.request("POST", "/", "other.local", Map.of(), "some body"), 404, "no_route");
            assertEquals(200, client.request("GET", "/", "api.local", Map.of(), null).status());
        }
    }

    @Test
    void aMalformedChunkedBodyIs400AndNeverReachesTheUpstreamAsComplete() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(r.uri()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\nbroken\r\n0\r\n\r\n");
            Response r = client.read();
            assertLocalError(r, 400, "bad_request");
            assertEquals("close", r.header("connection"));
            assertTrue(client.isClosedByPeer());
            try (RawHttpClient next = proxy.client("outbound")) {
                assertEquals("/next", next.get("/next").text());
            }
            assertEquals(List.of("/next"), a.requests().stream().map(dev.outrigger.testing.RecordedRequest::uri).toList(),
                    "the upstream never saw the broken request as a complete one");
        }
    }

    @Test
    void missingClusterIs503() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("nowhere"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertLocalError(client.get("/"), 503, "cluster_not_found");
        }
    }

    @Test
    void refusedConnectionIs503ConnectFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("dead"), clusterOnPorts("dead", "", closedPort)));
                RawHttpClient client = proxy.client("outbound")) {
            assertLocalError(client.get("/"), 503, "upstream_connect_failure");
            assertLocalError(client.get("/"), 503, "upstream_connect_failure");
        }
    }

    @Test
    void connectThatNeverCompletesIs503ConnectTimeout() throws Exception {
        // A listener that never accepts and whose queue is full drops further SYNs: the connect hangs.
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 200);
                    } catch (IOException e) {
                        break;
                    }
                    fillers.add(f);
                }
                String c = clusterOnPorts("blackhole", "", full.getLocalPort()).replace("connect_timeout: 1s", "connect_timeout: 0.2s");
                try (ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("blackhole"), c));
                        RawHttpClient client = proxy.client("outbound")) {
                    assertLocalError(client.get("/"), 503, "upstream_connect_timeout");
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void upstreamClosingBeforeRespondingIs503Reset() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.close());
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertLocalError(client.get("/"), 503, "upstream_reset");
        }
    }

    @Test
    void malformedUpstreamResponseIs502() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.raw("THIS IS NOT HTTP\r\n\r\n"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            assertLocalError(client.get("/"), 502, "bad_upstream_response");
        }
    }

    @Test
    void routeTimeoutIs504() throws Exception {
        String vhosts = "[{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: a, timeout: 0.2s}}]}]";
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.hang());
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            long start = System.nanoTime();
            assertLocalError(client.get("/"), 504, "upstream_timeout");
            assertTrue(System.nanoTime() - start >= 150_000_000L, "the timeout must not fire early");
        }
    }

    @Test
    void aMalformedUpstreamChunkIsCutOffAndItsConnectionNotReused() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/broken")
                        ? Reply.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n")
                        : Reply.ok("fine"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET /broken HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThrows(java.io.EOFException.class, client::read,
                    "the client must see the response cut off, never a clean end");
            try (RawHttpClient next = proxy.client("outbound")) {
                assertEquals("fine", next.get("/ok").text(), "the broken connection did not go back to the pool");
            }
            assertEquals(2, a.connectionsAccepted());
        }
    }

    @Test
    void theRouteTimeoutAlsoBoundsTheWaitForAConnectionWhileTheBodyIsIncomplete() throws Exception {
        String limits = "circuit_breakers: {per_host_thresholds: [{max_connections: 1}]},";
        String vhosts = "[{name: all, domains: ['*'], routes: ["
                + "{match: {path: /hold}, route: {cluster: a, timeout: 0s}}, "
                + "{match: {prefix: '/'}, route: {cluster: a, timeout: 0.3s}}]}]";
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/hold") ? Reply.hang() : Reply.ok("ok"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", limits, a)));
                RawHttpClient holder = proxy.client("outbound");
                RawHttpClient waiter = proxy.client("outbound")) {
            holder.send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
            a.awaitRequests(1, java.time.Duration.ofSeconds(5));
            // Half a body, then nothing: the request waits for the only connection and never completes.
            waiter.send("POST /wait HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhalf");
            assertLocalError(waiter.read(), 504, "upstream_timeout");
        }
    }

    @Test
    void connectionLimitReachedWithoutQueueIs503Overflow() throws Exception {
        String limits = "circuit_breakers: {thresholds: [{max_pending_requests: 0}], "
                + "per_host_thresholds: [{max_connections: 1}]},";
        try (TestUpstream a = TestUpstream.start("a", r -> r.uri().equals("/hang") ? Reply.hang() : Reply.ok("ok"));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", limits, a)));
                RawHttpClient first = proxy.client("outbound");
                RawHttpClient second = proxy.client("outbound")) {
            first.send("GET /hang HTTP/1.1\r\nHost: h\r\n\r\n");
            a.awaitRequests(1, java.time.Duration.ofSeconds(5));
            assertLocalError(second.get("/other"), 503, "upstream_overflow");
        }
    }

    @Test
    void resetAfterTheResponseStartedTruncatesTheDownstreamResponse() throws Exception {
        try (TestUpstream a = TestUpstream.start("a",
                        r -> Reply.raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial").closeAfter());
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            // The client sees the upstream's head, then a close before 100 bytes: never a complete-looking response.
            java.io.EOFException e = assertThrows(java.io.EOFException.class, client::read);
            assertTrue(e.getMessage().contains("got 7 of 100"), e.getMessage());
        }
    }
}
