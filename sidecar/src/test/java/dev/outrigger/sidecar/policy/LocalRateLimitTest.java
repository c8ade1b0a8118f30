package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP local rate limit filter on a real listener served by two event loops: the bucket is
 * exact under concurrent callers, refusals carry the rate-limit headers, descriptors from the
 * route's rate_limits get buckets of their own (one per header value), a route override has its
 * own bucket, an unenforced limit only counts and marks, and gRPC callers get UNAVAILABLE.
 */
class LocalRateLimitTest {

    static String yaml(String filter, String routes) {
        return PolicyConfigs.httpListener("routes:\n" + routes, """
                - name: limit
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                """ + filter.indent(4), "");
    }

    private static final String ENFORCED = """
            stat_prefix: in_limit
            filter_enabled: { default_value: { numerator: 100 } }
            filter_enforced: { default_value: { numerator: 100 } }
            enable_x_ratelimit_headers: DRAFT_VERSION_03
            """;

    private static RawHttpClient.Response get(ProxyFixture proxy, String path, Map<String, String> headers)
            throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", path, "app", headers, null);
        }
    }

    @Test
    void exactlyTheBucketPassesAcrossEventLoopsAndRefusalsSayWhen() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                // Two event loops, whatever the machine: 50 connections are spread over both.
                ProxyFixture proxy = ProxyFixture.start(PolicyConfigs.withEventLoops(yaml(ENFORCED + """
                        token_bucket: { max_tokens: 20, tokens_per_fill: 20, fill_interval: 3600s }
                        """, "- match: { prefix: / }\n  route: { cluster: app }"), 2), app)) {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawHttpClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return get(proxy, "/x", Map.of());
                }));
            }
            go.countDown();
            List<RawHttpClient.Response> refused = Collections.synchronizedList(new ArrayList<>());
            int ok = 0;
            for (Future<RawHttpClient.Response> f : calls) {
                RawHttpClient.Response r = f.get(30, TimeUnit.SECONDS);
                if (r.status() == 200) {
                    ok++;
                    assertEquals("20", r.header("x-ratelimit-limit"));
                } else {
                    refused.add(r);
                }
            }
            pool.shutdown();
            assertEquals(20, ok, "exactly the bucket's tokens pass");
            assertEquals(30, refused.size());
            RawHttpClient.Response r = refused.get(0);
            assertEquals(429, r.status());
            assertEquals("local_rate_limited", r.header("x-outrigger-error"));
            assertEquals("true", r.header("x-envoy-ratelimited"));
            assertEquals("20", r.header("x-ratelimit-limit"));
            assertEquals("0", r.header("x-ratelimit-remaining"));
            long reset = Long.parseLong(r.header("x-ratelimit-reset"));
            assertTrue(reset > 3500 && reset <= 3600, "seconds to the next fill: " + reset);
            assertEquals(Long.toString(reset), r.header("retry-after"));
            assertEquals(20, app.requests().size());
            String metrics = proxy.admin("/stats/prometheus");
            assertTrue(metrics.contains("outrigger_ratelimit_decisions_total{decision=\"over_limit\",descriptor=\"default\","
                    + "filter=\"limit\",listener=\"in\",stat_prefix=\"in_limit\"} 30.0"), metrics);
            assertTrue(metrics.contains("decision=\"ok\",descriptor=\"default\",filter=\"limit\",listener=\"in\","
                    + "stat_prefix=\"in_limit\"} 20.0"), metrics);
        }
    }

    @Test
    void descriptorsAndRouteOverridesHaveBucketsOfTheirOwn() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture proxy = ProxyFixture.start(yaml(ENFORCED + """
                        token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: 3600s }
                        descriptors:
                        - entries: [ { key: user, value: "" } ]
                          token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 3600s }
                        """, """
                        - match: { prefix: /burst }
                          route: { cluster: app }
                          typed_per_filter_config:
                            limit:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                              stat_prefix: burst
                              token_bucket: { max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s }
                              filter_enabled: { default_value: { numerator: 100 } }
                              filter_enforced: { default_value: { numerator: 100 } }
                        - match: { prefix: / }
                          route:
                            cluster: app
                            rate_limits:
                            - actions: [ { request_headers: { header_name: x-user, descriptor_key: user } } ]
                        """), app)) {
            assertEquals(200, get(proxy, "/a", Map.of("x-user", "alice")).status());
            assertEquals(200, get(proxy, "/a", Map.of("x-user", "alice")).status());
            RawHttpClient.Response third = get(proxy, "/a", Map.of("x-user", "alice"));
            assertEquals(429, third.status());
            assertEquals("2", third.header("x-ratelimit-limit"), "the user's bucket decided");
            assertEquals(200, get(proxy, "/a", Map.of("x-user", "bob")).status(), "another value, another bucket");
            assertEquals(200, get(proxy, "/a", Map.of()).status(), "no descriptor: the default bucket");
            assertEquals(200, get(proxy, "/burst", Map.of()).status());
            assertEquals(429, get(proxy, "/burst", Map.of()).status(), "the route's own bucket of one");
            assertEquals(200, get(proxy, "/a", Map.of("x-user", "carol")).status());
            String metrics = proxy.admin("/stats/prometheus");
            assertTrue(metrics.contains("decision=\"over_limit\",descriptor=\"user=\",filter=\"limit\""), metrics);
        }
    }

    @Test
    void anUnenforcedLimitOnlyCountsAndMarksTheRequest() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture proxy = ProxyFixture.start(yaml("""
                        stat_prefix: in_limit
                        filter_enabled: { default_value: { numerator: 100 } }
                        token_bucket: { max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s }
                        request_headers_to_add_when_not_enforced:
                        - header: { key: x-local-ratelimited, value: "true" }
                        """, "- match: { prefix: / }\n  route: { cluster: app }"), app)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(proxy, "/x", Map.of()).status());
            }
            assertEquals(null, app.requests().get(0).headers().get("x-local-ratelimited"));
            assertEquals("true", app.requests().get(2).headers().get("x-local-ratelimited"));
            assertTrue(proxy.admin("/stats/prometheus").contains("decision=\"over_limit_not_enforced\",descriptor=\"default\","
                    + "filter=\"limit\",listener=\"in\",stat_prefix=\"in_limit\"} 2.0"));
        }
    }

    @Test
    void aLimitedGrpcCallGetsUnavailableOrResourceExhausted() throws Exception {
        for (boolean exhausted : new boolean[] {false, true}) {
            try (TestUpstream app = TestUpstream.named("app");
                    ProxyFixture proxy = ProxyFixture.start(yaml(ENFORCED
                            + (exhausted ? "rate_limited_as_resource_exhausted: true\n" : "") + """
                            token_bucket: { max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s }
                            """, "- match: { prefix: / }\n  route: { cluster: app }"), app);
                    Http2TestClient h2 = Http2TestClient.connect(proxy.port("in"))) {
                Map<String, String> grpc = Map.of("content-type", "application/grpc", "te", "trailers");
                h2.request("POST", "/pkg.Svc/Call", "app", grpc, new byte[5]).get(10, TimeUnit.SECONDS);
                Http2TestClient.Response r = h2.request("POST", "/pkg.Svc/Call", "app", grpc, new byte[5])
                        .get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals(exhausted ? "8" : "14", r.header("grpc-status"));
                assertEquals("local_rate_limited", r.header("x-outrigger-error"));
            }
        }
    }
}
