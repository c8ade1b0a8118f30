package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.ratelimit.global.TestRedisServer;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outrigger's Redis-backed global rate limit filter with a real {@code redis-server} started by
 * the test and shared by two sidecars: the limit holds across both, a sidecar that saw a caller
 * over the limit refuses it again without asking Redis, and when Redis is gone each sidecar's
 * failure mode decides.
 */
class RedisRateLimitTest {

    private static String yaml(int redisPort, boolean failureModeDeny) {
        return PolicyConfigs.httpListener("""
                routes:
                - match: { prefix: / }
                  route:
                    cluster: app
                    rate_limits:
                    - actions: [ { request_headers: { header_name: x-user, descriptor_key: user } } ]
                """, """
                - name: redis-limit
                  typed_config:
                    "@type": type.googleapis.com/outrigger.ratelimit.v1.RedisRateLimit
                    domain: shop
                    redis_address: "127.0.0.1:%d"
                    timeout: 2s
                    failure_mode_deny: %s
                    enable_x_ratelimit_headers: true
                    limits:
                    - entries: [ { key: user, value: "" } ]
                      requests_per_unit: 5
                      unit: DAY
                """.formatted(redisPort, failureModeDeny), "");
    }

    private static RawHttpClient.Response get(ProxyFixture proxy, String user) throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", "/buy", "app", Map.of("x-user", user), null);
        }
    }

    @Test
    void theLimitHoldsAcrossTwoSidecarsAndRedisDownMeetsEachFailureMode() throws Exception {
        try (TestRedisServer redis = TestRedisServer.start();
                TestUpstream app = TestUpstream.named("app");
                ProxyFixture allowing = ProxyFixture.start(yaml(redis.port(), false), app);
                ProxyFixture denying = ProxyFixture.start(yaml(redis.port(), true), app)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(get(i % 2 == 0 ? allowing : denying, "alice").status());
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), statuses, "alice's 5 a day, over both");
            assertEquals(200, get(denying, "bob").status(), "another caller, another count");
            assertEquals(6, app.requests().size());
            RawHttpClient.Response refused = get(allowing, "alice");
            assertEquals(429, refused.status());
            assertEquals("global_rate_limited", refused.header("x-outrigger-error"));
            assertEquals("5, 5;w=86400", refused.header("x-ratelimit-limit"));
            assertEquals("0", refused.header("x-ratelimit-remaining"));

            long runs = redis.scriptRuns();
            for (int i = 0; i < 3; i++) {
                assertEquals(429, get(allowing, "alice").status());
            }
            assertEquals(runs, redis.scriptRuns(), "a caller known to be over the limit is refused without a round trip");
            assertTrue(allowing.admin("/stats/prometheus").contains("decision=\"over_limit\","
                    + "descriptor=\"user=\",filter=\"redis-limit\""));

            redis.kill();
            assertEquals(429, get(allowing, "alice").status(), "still known to be over the limit, Redis or not");
            RawHttpClient.Response open = get(allowing, "carol");
            assertEquals(200, open.status(), "failure mode allow");
            RawHttpClient.Response closed = get(denying, "carol");
            assertEquals(500, closed.status(), "failure mode deny");
            assertEquals("rate_limit_service_error", closed.header("x-outrigger-error"));
            assertTrue(allowing.admin("/stats/prometheus").contains("decision=\"failure_mode_allowed\",descriptor=\"user=\""));
        }
    }
}
