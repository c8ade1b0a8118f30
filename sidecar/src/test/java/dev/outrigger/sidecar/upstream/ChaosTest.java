package dev.outrigger.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Under a steady load loop, one of three endpoints is killed and another turns slow: peak-EWMA
 * balancing with outlier detection and active health checks keeps the damage to the requests
 * that were on the dead endpoint when it died and the few that found it before it was ejected,
 * and moves traffic off the slow one. (Without retries, those requests fail; the numbers are
 * printed for the notes.)
 */
class ChaosTest {

    /** Four callers in a loop, counting answers per endpoint and failures per phase. */
    private static final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final List<Future<?>> loops = new ArrayList<>();

        Load(ProxyFixture proxy) {
            for (int i = 0; i < 4; i++) {
                loops.add(pool.submit(() -> {
                    while (running.get()) {
                        requests.incrementAndGet();
                        try (RawHttpClient c = proxy.client("in")) {
                            RawHttpClient.Response r = c.request("GET", "/", "app", Map.of(), null);
                            if (r.status() == 200) {
                                answers.computeIfAbsent(r.text(), k -> new AtomicInteger()).incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }

        int answered(String endpoint) {
            AtomicInteger n = answers.get(endpoint);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> f : loops) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
    }

    @Test
    void aKilledAndASlowEndpointCostOnlyTheRequestsInTheirWay() throws Exception {
        AtomicLong slowMillis = new AtomicLong();
        try (TestUpstream a = TestUpstream.named("a");
                TestUpstream slow = TestUpstream.start("s", r -> Reply.ok("s").delay(Duration.ofMillis(slowMillis.get())))) {
            TestUpstream doomed = TestUpstream.named("d");
            String lb = """
                    connect_timeout: 0.25s
                    load_balancing_policy:
                      policies:
                      - typed_extension_config:
                          name: ewma
                          typed_config: { "@type": type.googleapis.com/outrigger.lb.v1.PeakEwma }
                    outlier_detection: { consecutive_gateway_failure: 2, enforcing_consecutive_gateway_failure: 100,
                                         interval: 0.5s, base_ejection_time: 30s, max_ejection_percent: 50 }
                    health_checks:
                    - timeout: 0.2s
                      interval: 0.1s
                      unhealthy_threshold: 2
                      healthy_threshold: 2
                      tcp_health_check: {}""";
            try (ProxyFixture proxy = ProxyFixture.start(LoadBalancingTest.yaml(lb, "[]", a, slow, doomed));
                    Load load = new Load(proxy)) {
                Await.until("traffic reaches all three", Duration.ofSeconds(10),
                        () -> load.answered("a") > 20 && load.answered("s") > 20 && load.answered("d") > 20);
                int failuresBefore = load.failures.get();
                doomed.close();
                slowMillis.set(100);
                Await.until("the dead endpoint is out", Duration.ofSeconds(10), () -> proxy.admin("/clusters")
                        .contains("app::127.0.0.1:" + doomed.port() + "::health_flags::/failed"));
                int failuresAtEjection = load.failures.get();
                int slowBefore = load.answered("s");
                int fastBefore = load.answered("a");
                Await.until("200 more requests", Duration.ofSeconds(20), () -> load.answered("a") > fastBefore + 200);
                int slowShare = load.answered("s") - slowBefore;
                int fastShare = load.answered("a") - fastBefore;
                int failuresAfter = load.failures.get() - failuresAtEjection;
                System.out.printf("chaos: %d requests; failed before the kill %d, between kill and ejection %d,"
                                + " after %d; after the slowdown: fast endpoint %d, slow endpoint %d%n",
                        load.requests.get(), failuresBefore, failuresAtEjection - failuresBefore, failuresAfter,
                        fastShare, slowShare);
                assertEquals(0, failuresBefore);
                assertTrue(failuresAtEjection - failuresBefore <= 20,
                        "only requests that met the dead endpoint before it was out: " + (failuresAtEjection - failuresBefore));
                assertEquals(0, failuresAfter, "no failure once it is out");
                assertTrue(slowShare * 5 < fastShare, "the slow endpoint gets little: " + slowShare + " vs " + fastShare);
            }
        }
    }
}
