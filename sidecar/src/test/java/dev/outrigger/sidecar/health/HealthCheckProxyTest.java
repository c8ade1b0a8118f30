package dev.outrigger.sidecar.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Active health checking through a real sidecar: an endpoint failing its HTTP check leaves the
 * balancer (no request reaches it, {@code /clusters} shows {@code /failed_active_hc}) and comes
 * back after {@code healthy_threshold} passing checks.
 */
class HealthCheckProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String HEALTH_CHECKS = """
            health_checks:
            - timeout: 1s
              interval: 0.05s
              unhealthy_threshold: 2
              healthy_threshold: 2
              http_health_check: { path: /healthz, retriable_statuses: [ { start: 503, end: 504 } ] }""";

    private static Set<String> served(ProxyFixture proxy, int requests) throws Exception {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            try (RawHttpClient c = proxy.client("in")) {
                RawHttpClient.Response r = c.request("GET", "/work", "app", Map.of(), null);
                assertEquals(200, r.status(), r.text());
                names.add(r.text());
            }
        }
        return names;
    }

    @Test
    void failingEndpointLeavesTheBalancerAndComesBack() throws Exception {
        AtomicInteger bHealth = new AtomicInteger(200);
        AtomicInteger bChecks = new AtomicInteger();
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("a"));
                TestUpstream b = TestUpstream.start("b", r -> {
                    if (r.uri().equals("/healthz")) {
                        bChecks.incrementAndGet();
                        return Reply.status(bHealth.get(), "");
                    }
                    return Reply.ok("b");
                });
                TestUpstream c = TestUpstream.start("c", r -> Reply.ok("c"));
                ProxyFixture proxy = ProxyFixture.start(
                        dev.outrigger.sidecar.upstream.LoadBalancingTest.yaml(HEALTH_CHECKS, "[]", a, b, c))) {
            String bFlags = "app::127.0.0.1:" + b.port() + "::health_flags::";
            Await.until("b checked", WAIT, () -> bChecks.get() >= 2);
            assertTrue(proxy.admin("/clusters").contains(bFlags + "healthy"), proxy.admin("/clusters"));
            assertEquals(Set.of("a", "b", "c"), served(proxy, 9));

            bHealth.set(503);
            int atFailure = bChecks.get();
            Await.until("b failed", WAIT, () -> proxy.admin("/clusters").contains(bFlags + "/failed_active_hc"));
            assertTrue(bChecks.get() - atFailure >= 2, "unhealthy_threshold is 2 for a retriable status");
            int bRequests = b.requests().size();
            assertEquals(Set.of("a", "c"), served(proxy, 12));
            assertEquals(0, b.requests().stream().skip(bRequests).filter(r -> !r.uri().equals("/healthz")).count());
            assertTrue(proxy.admin("/stats/prometheus").contains("outrigger_health_check_failed_endpoints{cluster=\"app\"} 1"));

            bHealth.set(200);
            Await.until("b back", WAIT, () -> proxy.admin("/clusters").contains(bFlags + "healthy"));
            assertEquals(Set.of("a", "b", "c"), served(proxy, 9));
        }
    }
}
