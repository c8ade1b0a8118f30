package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.ratelimit.global.TestRateLimitServer;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Envoy's global rate limit filter against a real gRPC rate limit service run by the test: the
 * route's descriptors and the domain reach the service; its verdict refuses (429 with its
 * headers and body) or lets through (with its request and response headers); a per-route
 * override changes the domain and rules; a service that is down or silent costs at most the
 * timeout and the configured failure mode decides.
 */
class GlobalRateLimitTest {

    static String yaml(String filterExtra) {
        return PolicyConfigs.httpListener("""
                rate_limits:
                - actions: [ { generic_key: { descriptor_value: vh } } ]
                routes:
                - match: { prefix: /special }
                  route:
                    cluster: app
                    rate_limits:
                    - actions: [ { generic_key: { descriptor_value: special } } ]
                  typed_per_filter_config:
                    global:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute
                      domain: special-domain
                      rate_limits:
                      - actions: [ { request_headers: { header_name: x-user, descriptor_key: who } } ]
                - match: { prefix: /none }
                  route: { cluster: app }
                  typed_per_filter_config:
                    global:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute
                      vh_rate_limits: IGNORE
                - match: { prefix: / }
                  route:
                    cluster: app
                    rate_limits:
                    - actions:
                      - generic_key: { descriptor_value: shop }
                      - request_headers: { header_name: x-user, descriptor_key: user }
                """, """
                - name: global
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit
                    domain: shop
                    enable_x_ratelimit_headers: DRAFT_VERSION_03
                    rate_limit_service:
                      transport_api_version: V3
                      grpc_service: { envoy_grpc: { cluster_name: rls } }
                """ + filterExtra.indent(4), """
                - name: rls
                  typed_extension_protocol_options:
                    envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                      "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                      explicit_http_config: { http2_protocol_options: {} }
                  load_assignment:
                    endpoints:
                    - lb_endpoints:
                      - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${rls} } } }
                """);
    }

    /** A call's timeout generous enough for a first call on a fresh channel, where the verdict matters. */
    private static final String PATIENT = "timeout: 5s";

    private static ProxyFixture start(String filterExtra, int rlsPort, TestUpstream app) throws Exception {
        return ProxyFixture.start(yaml(filterExtra).replace("${rls}", Integer.toString(rlsPort)), app);
    }

    private static RawHttpClient.Response get(ProxyFixture proxy, String path, Map<String, String> headers)
            throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", path, "app", headers, null);
        }
    }

    private static RateLimitDescriptor descriptor(String... keysAndValues) {
        RateLimitDescriptor.Builder b = RateLimitDescriptor.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(keysAndValues[i])
                    .setValue(keysAndValues[i + 1]));
        }
        return b.build();
    }

    private static RateLimitResponse.DescriptorStatus status(RateLimitResponse.Code code, int perMinute,
            int remaining) {
        return RateLimitResponse.DescriptorStatus.newBuilder().setCode(code)
                .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(perMinute)
                        .setUnit(RateLimitResponse.RateLimit.Unit.MINUTE))
                .setLimitRemaining(remaining)
                .setDurationUntilReset(com.google.protobuf.Duration.newBuilder().setSeconds(42))
                .build();
    }

    @Test
    void theServiceGetsTheRoutesDescriptorsAndItsVerdictDecides() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                TestRateLimitServer rls = new TestRateLimitServer();
                ProxyFixture proxy = start(PATIENT, rls.address().getPort(), app)) {
            rls.answer(RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK)
                    .addStatuses(status(RateLimitResponse.Code.OK, 10, 7))
                    .addRequestHeadersToAdd(HeaderValue.newBuilder().setKey("x-quota-tier").setValue("gold"))
                    .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x-quota-note").setValue("fine"))
                    .build());
            RawHttpClient.Response ok = get(proxy, "/buy", Map.of("x-user", "alice"));
            assertEquals(200, ok.status());
            assertEquals("gold", app.requests().get(0).headers().get("x-quota-tier"), "the service's request header");
            assertEquals("fine", ok.header("x-quota-note"));
            assertEquals("10, 10;w=60", ok.header("x-ratelimit-limit"));
            assertEquals("7", ok.header("x-ratelimit-remaining"));
            assertEquals("42", ok.header("x-ratelimit-reset"));
            RateLimitRequest sent = rls.requests().get(0);
            assertEquals("shop", sent.getDomain());
            // The route has rules, so the virtual host's are not used (vh_rate_limits OVERRIDE).
            assertEquals(List.of(descriptor("generic_key", "shop", "user", "alice")), sent.getDescriptorsList());

            rls.answer(RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OVER_LIMIT)
                    .addStatuses(status(RateLimitResponse.Code.OVER_LIMIT, 10, 0))
                    .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x-quota-note").setValue("slow down"))
                    .setRawBody(com.google.protobuf.ByteString.copyFromUtf8("{\"error\":\"over quota\"}"))
                    .build());
            RawHttpClient.Response refused = get(proxy, "/buy", Map.of("x-user", "alice"));
            assertEquals(429, refused.status());
            assertEquals("global_rate_limited", refused.header("x-outrigger-error"));
            assertEquals("true", refused.header("x-envoy-ratelimited"));
            assertEquals("slow down", refused.header("x-quota-note"));
            assertEquals("0", refused.header("x-ratelimit-remaining"));
            assertTrue(refused.text().startsWith("{\"error\":\"over quota\"}"), refused.text());
            assertEquals(1, app.requests().size(), "the refused request never reached the app");

            String metrics = proxy.admin("/stats/prometheus");
            assertTrue(metrics.contains("outrigger_ratelimit_decisions_total{decision=\"over_limit\","
                    + "descriptor=\"generic_key=shop, user=\",filter=\"global\",listener=\"in\",stat_prefix=\"in\"} 1.0"),
                    metrics);
            assertTrue(metrics.contains("decision=\"ok\",descriptor=\"generic_key=shop, user=\",filter=\"global\""),
                    metrics);
        }
    }

    @Test
    void routeOverridesAndVirtualHostRulesShapeTheCall() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                TestRateLimitServer rls = new TestRateLimitServer();
                ProxyFixture proxy = start(PATIENT, rls.address().getPort(), app)) {
            assertEquals(200, get(proxy, "/special", Map.of("x-user", "bob")).status());
            RateLimitRequest special = rls.requests().get(0);
            assertEquals("special-domain", special.getDomain());
            assertEquals(List.of(descriptor("who", "bob")), special.getDescriptorsList(),
                    "the override's rules replace the route's");
            assertEquals(200, get(proxy, "/none", Map.of()).status());
            assertEquals(1, rls.requests().size(), "no rules and the virtual host's ignored: no call at all");
        }
    }

    @Test
    void aServiceThatIsDownLetsRequestsThroughUnlessFailureModeDeny() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture open = start("timeout: 0.5s", nobody, app)) {
            RawHttpClient.Response r = get(open, "/buy", Map.of("x-user", "carol"));
            assertEquals(200, r.status(), "failure mode allow");
            assertNull(r.header("x-ratelimit-limit"));
            assertTrue(open.admin("/stats/prometheus").contains("decision=\"failure_mode_allowed\""));
        }
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture closed = start("""
                        timeout: 0.5s
                        failure_mode_deny: true
                        status_on_error: { code: ServiceUnavailable }
                        """, nobody, app)) {
            RawHttpClient.Response r = get(closed, "/buy", Map.of("x-user", "carol"));
            assertEquals(503, r.status());
            assertEquals("rate_limit_service_error", r.header("x-outrigger-error"));
            assertEquals(0, app.requests().size());
            assertTrue(closed.admin("/stats/prometheus").contains("decision=\"error\""));
        }
    }

    @Test
    void aSilentServiceCostsAtMostTheTimeout() throws Exception {
        try (TestUpstream app = TestUpstream.named("app");
                TestRateLimitServer rls = new TestRateLimitServer();
                ProxyFixture proxy = start("timeout: 0.2s\nfailure_mode_deny: true", rls.address().getPort(), app)) {
            rls.goSilent();
            long start = System.nanoTime();
            RawHttpClient.Response r = get(proxy, "/buy", Map.of("x-user", "dave"));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(500, r.status(), "status_on_error defaults to 500");
            assertEquals("rate_limit_service_error", r.header("x-outrigger-error"));
            assertTrue(tookMillis >= 150 && tookMillis < 5_000, "answered at the timeout, took " + tookMillis + " ms");
            assertEquals(1, rls.requests().size(), "one call, abandoned at its deadline");
            assertEquals(0, app.requests().size());
        }
    }

    @Test
    void aLimitedGrpcCallGetsUnavailableOrResourceExhausted() throws Exception {
        for (boolean exhausted : new boolean[] {false, true}) {
            try (TestUpstream app = TestUpstream.named("app");
                    TestRateLimitServer rls = new TestRateLimitServer();
                    ProxyFixture proxy = start(PATIENT + (exhausted ? "\nrate_limited_as_resource_exhausted: true" : ""),
                            rls.address().getPort(), app);
                    Http2TestClient h2 = Http2TestClient.connect(proxy.port("in"))) {
                rls.answer(RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OVER_LIMIT).build());
                Map<String, String> grpc = Map.of("content-type", "application/grpc", "te", "trailers", "x-user", "e");
                Http2TestClient.Response r = h2.request("POST", "/pkg.Svc/Call", "app", grpc, new byte[5])
                        .get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals(exhausted ? "8" : "14", r.header("grpc-status"));
                assertEquals("global_rate_limited", r.header("x-outrigger-error"));
                assertEquals(0, app.requests().size());
            }
        }
    }
}
