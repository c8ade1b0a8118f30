package dev.outrigger.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection through a real sidecar to three real endpoints: a failing endpoint is
 * ejected, takes no traffic, shows {@code /failed_outlier_check} in {@code /clusters}, and comes
 * back after its ejection time; an endpoint that refuses connections is ejected for gateway failures.
 */
class OutlierDetectionProxyTest {

    private static String yaml(String outlier, TestUpstream... endpoints) {
        return LoadBalancingTest.yaml("connect_timeout: 1s\noutlier_detection: " + outlier, "[]", endpoints);
    }

    private static int get(ProxyFixture proxy) throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", "/x", "app", Map.of(), null).status();
        }
    }

    private static boolean ejected(ProxyFixture proxy, TestUpstream u) {
        return proxy.admin("/clusters").contains("app::127.0.0.1:" + u.port() + "::health_flags::/failed_outlier_check");
    }

    @Test
    void aFailingEndpointIsEjectedTakesNoTrafficAndComesBack() throws Exception {
        try (TestUpstream a = TestUpstream.named("a"); TestUpstream b = TestUpstream.named("b");
                TestUpstream bad = TestUpstream.start("bad", r -> Reply.status(503, "x"));
                ProxyFixture proxy = ProxyFixture.start(yaml(
                        "{ consecutive_5xx: 3, interval: 0.2s, base_ejection_time: 1s, max_ejection_percent: 50 }",
                        a, b, bad), a, b, bad)) {
            for (int i = 0; i < 30 && bad.requestsStarted() < 3; i++) {
                get(proxy);
            }
            assertEquals(3, bad.requestsStarted());
            Await.until("the failing endpoint is ejected", Duration.ofSeconds(5), () -> ejected(proxy, bad));
            assertTrue(proxy.admin("/stats/prometheus").contains(
                    "outrigger_outlier_ejections_total{cluster=\"app\",reason=\"consecutive_5xx\"} 1.0"),
                    proxy.admin("/stats/prometheus"));
            int before = bad.requestsStarted();
            for (int i = 0; i < 12 && ejected(proxy, bad); i++) {
                assertEquals(200, get(proxy));
            }
            assertEquals(before, bad.requestsStarted(), "an ejected endpoint takes no requests");
            Await.until("the endpoint comes back after base_ejection_time", Duration.ofSeconds(10),
                    () -> !ejected(proxy, bad));
            for (int i = 0; i < 30 && bad.requestsStarted() == before; i++) {
                get(proxy);
            }
            assertTrue(bad.requestsStarted() > before, "the endpoint takes traffic again");
        }
    }

    @Test
    void aGrpcEndpointFailingEveryCallIsEjectedByItsGrpcStatus() throws Exception {
        try (TestUpstream a = TestUpstream.startHttp2("a", r -> Reply.ok("a"), 100);
                TestUpstream b = TestUpstream.startHttp2("b", r -> Reply.ok("b"), 100);
                TestUpstream bad = TestUpstream.startHttp2("bad", r -> Reply.ok("").header("grpc-status", "14"), 100);
                ProxyFixture proxy = ProxyFixture.start(LoadBalancingTest.yaml("connect_timeout: 1s\n"
                        + "typed_extension_protocol_options: { envoy.extensions.upstreams.http.v3.HttpProtocolOptions: {"
                        + " \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions,"
                        + " explicit_http_config: { http2_protocol_options: {} } } }\n"
                        + "outlier_detection: { consecutive_5xx: 3, interval: 0.2s, base_ejection_time: 30s,"
                        + " max_ejection_percent: 50 }", "[]", a, b, bad), a, b, bad)) {
            for (int i = 0; i < 30 && bad.requestsStarted() < 3; i++) {
                assertEquals(200, get(proxy), "the HTTP status is 200: the failure is in grpc-status");
            }
            Await.until("the endpoint failing its gRPC calls is ejected", Duration.ofSeconds(5), () -> ejected(proxy, bad));
        }
    }

    @Test
    void anEndpointRefusingConnectionsIsEjectedForGatewayFailures() throws Exception {
        TestUpstream dead = TestUpstream.named("dead");
        try (TestUpstream a = TestUpstream.named("a"); TestUpstream b = TestUpstream.named("b");
                ProxyFixture proxy = ProxyFixture.start(yaml("{ consecutive_gateway_failure: 2,"
                        + " enforcing_consecutive_gateway_failure: 100, consecutive_5xx: 1000, interval: 1s }",
                        a, b, dead), a, b, dead)) {
            dead.close();
            int failures = 0;
            for (int i = 0; i < 30 && !ejected(proxy, dead); i++) {
                if (get(proxy) != 200) {
                    failures++;
                }
            }
            int fails = failures;
            Await.until("the dead endpoint is ejected", Duration.ofSeconds(5), () -> ejected(proxy, dead));
            assertTrue(fails >= 2, "failures seen: " + fails);
            assertTrue(proxy.admin("/stats/prometheus").contains(
                    "outrigger_outlier_ejections_total{cluster=\"app\",reason=\"consecutive_gateway_failure\"} 1.0"));
            for (int i = 0; i < 10; i++) {
                assertEquals(200, get(proxy));
            }
        }
    }
}
