package dev.outrigger.sidecar.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.config.TestHttpFilter;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A filter that decides later, on another thread (as a rate-limit service call does): the request
 * waits with its body held, then goes on intact, or is answered with the body dropped and the
 * connection kept; a failed decision is a 500; a client that leaves meanwhile costs nothing.
 */
class AsyncFilterTest {

    private static final String FILTERS = """
            - name: first
              typed_config: { "@type": type.googleapis.com/google.protobuf.StringValue, value: "sync" }
            - name: later
              typed_config: { "@type": type.googleapis.com/google.protobuf.StringValue, value: "%s" }
            - name: last
              typed_config: { "@type": type.googleapis.com/google.protobuf.StringValue, value: "sync" }
            """;

    private static ProxyFixture start(String mode, TestUpstream app) throws Exception {
        TestHttpFilter.register();
        return ProxyFixture.start(HttpFilterChainTestYaml.yaml(FILTERS.formatted(mode), ""), app);
    }

    @Test
    void theRequestWaitsThenGoesOnWithItsBodyIntact() throws Exception {
        try (TestUpstream app = TestUpstream.named("app"); ProxyFixture proxy = start("async", app);
                RawHttpClient c = proxy.client("in")) {
            String body = "x".repeat(3000);
            // Head and body in one write: the body arrives while the filter is still deciding.
            c.send("POST /v HTTP/1.1\r\nhost: a\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
            RawHttpClient.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals(List.of("first=vhost;principal=null;remote=127.0.0.1", "later=later",
                    "last=none;principal=null;remote=127.0.0.1"), r.headers("x-test-seen"),
                    "the filters after the pending one ran once it decided");
            assertEquals(body, app.lastRequest().body());
            // Chunked, in pieces: the rest of the body follows once reading resumes.
            c.send("POST /v HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n");
            c.send("6\r\n world\r\n0\r\n\r\n");
            assertEquals(200, c.read().status());
            assertEquals("hello world", app.lastRequest().body());
        }
    }

    @Test
    void http2StreamsWaitToo() throws Exception {
        try (TestUpstream app = TestUpstream.named("app"); ProxyFixture proxy = start("async", app);
                dev.outrigger.testing.Http2TestClient h2 = dev.outrigger.testing.Http2TestClient.connect(proxy.port("in"))) {
            var ok = h2.request("POST", "/v", "a", Map.of(), "hello h2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var denied = h2.request("POST", "/v", "a", Map.of("x-test-deny-later", "1"),
                    "dropped".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(200, ok.get(10, java.util.concurrent.TimeUnit.SECONDS).status());
            assertEquals(451, denied.get(10, java.util.concurrent.TimeUnit.SECONDS).status());
            assertEquals("hello h2", app.lastRequest().body());
            assertEquals(1, app.requests().size());
        }
    }

    @Test
    void aLaterRefusalDropsTheBodyAndKeepsTheConnection() throws Exception {
        try (TestUpstream app = TestUpstream.named("app"); ProxyFixture proxy = start("async", app);
                RawHttpClient c = proxy.client("in")) {
            c.send("POST /v HTTP/1.1\r\nhost: a\r\nx-test-deny-later: 1\r\ncontent-length: 5\r\n\r\nhello");
            RawHttpClient.Response denied = c.read();
            assertEquals(451, denied.status());
            assertEquals("denied later by later\n", denied.text());
            RawHttpClient.Response next = c.request("GET", "/v", "a", Map.of(), null);
            assertEquals(200, next.status(), "the same connection serves the next request");
            assertEquals(1, app.requests().size());
        }
    }

    @Test
    void aFailedDecisionIsA500AndALeavingClientCostsNothing() throws Exception {
        try (TestUpstream app = TestUpstream.named("app"); ProxyFixture proxy = start("async-fail", app)) {
            try (RawHttpClient c = proxy.client("in")) {
                RawHttpClient.Response r = c.request("GET", "/v", "a", Map.of(), null);
                assertEquals(500, r.status());
                assertEquals("filter_failed", r.header("x-outrigger-error"));
            }
            try (RawHttpClient c = proxy.client("in")) {
                c.send("POST /v HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\n\r\nhel");
            }
            Await.until("the abandoned request is counted as finished", Duration.ofSeconds(5),
                    () -> proxy.admin("/stats/prometheus").contains("outrigger_downstream_rq_active{listener=\"in\"} 0.0"));
            assertEquals(0, app.requests().size());
            assertTrue(proxy.admin("/stats/prometheus").contains("reason=\"filter_failed\""));
        }
    }
}
