package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.outrigger.proto.ratelimit.v1.RedisRateLimit;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.RateLimitUnit;
import dev.outrigger.sidecar.ratelimit.global.RedisAlgorithm;
import dev.outrigger.sidecar.ratelimit.global.RedisLimit;
import dev.outrigger.sidecar.ratelimit.global.RequestType;
import dev.outrigger.xds.EnvoyTypes;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisRateLimitTranslatorTest {

    private static final String AT = "http_filters[0].typed_config";
    private static final String LIMIT = """
            limits:
            - entries: [ { key: client } ]
              requests_per_unit: 100
              unit: MINUTE
            """;
    private static final String MINIMAL = "domain: shop\nredis_address: 127.0.0.1:6379\n" + LIMIT;

    private static GlobalRateLimitConfig filter(String yaml) throws ResourceInvalidException {
        return RedisRateLimitTranslator.translate(
                Any.pack(ProtoYaml.<RedisRateLimit>parse(yaml, RedisRateLimit.newBuilder())), FieldPath.of(AT));
    }

    private static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> filter(yaml));
        assertEquals(AT + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    @Test
    void minimalFilterHasTheDefaults() throws Exception {
        assertEquals(new GlobalRateLimitConfig("shop", 0, RequestType.BOTH, Duration.ofMillis(20), false, 500, false,
                false, new GlobalRateLimitBackend.Redis("127.0.0.1", 6379, RedisAlgorithm.FIXED_WINDOW, List.of(
                        new RedisLimit(Descriptor.ofPairs("client", ""), 100, RateLimitUnit.MINUTE)))),
                filter(MINIMAL));
    }

    @Test
    void everyField() throws Exception {
        GlobalRateLimitConfig c = filter("""
                domain: edge
                redis_address: "[::1]:6380"
                timeout: 0.005s
                failure_mode_deny: true
                algorithm: SLIDING_WINDOW
                stage: 10
                enable_x_ratelimit_headers: true
                rate_limited_as_resource_exhausted: true
                limits:
                - entries: [ { key: path, value: /login }, { key: method, value: POST } ]
                  requests_per_unit: 5
                  unit: SECOND
                - entries: [ { key: tenant } ]
                  unit: HOUR
                - entries: [ { key: tenant, value: big } ]
                  requests_per_unit: 4294967295
                  unit: DAY
                """);
        assertEquals(new GlobalRateLimitConfig("edge", 10, RequestType.BOTH, Duration.ofMillis(5), true, 500, true,
                true, new GlobalRateLimitBackend.Redis("::1", 6380, RedisAlgorithm.SLIDING_WINDOW, List.of(
                        new RedisLimit(Descriptor.ofPairs("path", "/login", "method", "POST"), 5, RateLimitUnit.SECOND),
                        new RedisLimit(Descriptor.ofPairs("tenant", ""), 0, RateLimitUnit.HOUR),
                        new RedisLimit(Descriptor.ofPairs("tenant", "big"), 4294967295L, RateLimitUnit.DAY)))), c);
        assertEquals(8, c.grpcStatus());
        GlobalRateLimitBackend.Redis named = (GlobalRateLimitBackend.Redis) filter(
                "domain: d\nredis_address: redis.shop.svc:6379\n" + LIMIT).backend();
        assertEquals("redis.shop.svc", named.host());
    }

    @Test
    void requiredFields() {
        assertRejected("redis_address: r:1\n" + LIMIT, ".domain", "required: the namespace of this filter's counters");
        assertRejected("domain: d\n" + LIMIT, ".redis_address", "required: the Redis server as host:port");
        assertRejected("domain: d\nredis_address: r:1\n", ".limits",
                "at least one limit is required: without any, no request is ever limited");
        assertRejected("domain: d\nredis_address: r:1\nlimits: [ { requests_per_unit: 1, unit: SECOND } ]\n",
                ".limits[0].entries", "at least one entry is required");
        assertRejected("domain: d\nredis_address: r:1\nlimits: [ { entries: [ { key: k } ], requests_per_unit: 1 } ]\n",
                ".limits[0].unit", "required: SECOND, MINUTE, HOUR or DAY");
    }

    @Test
    void addressErrors() {
        String rest = "domain: d\n" + LIMIT;
        assertRejected(rest + "redis_address: redis\n", ".redis_address",
                "\"redis\" has no port (Redis usually listens on 6379)");
        assertRejected(rest + "redis_address: ::1:6379\n", ".redis_address",
                "\"::1:6379\" is not host:port (Possible bracketless IPv6 literal: ::1:6379)");
        assertRejected(rest + "redis_address: \"redis:99999\"\n", ".redis_address",
                "\"redis:99999\" is not host:port (Port number out of range: redis:99999)");
        assertRejected(rest + "redis_address: \"redis:0\"\n", ".redis_address", "\"redis:0\": port must be 1 to 65535");
        assertRejected(rest + "redis_address: \":6379\"\n", ".redis_address", "\":6379\" has no host");
    }

    @Test
    void valueErrors() {
        assertRejected(MINIMAL + "stage: 11\n", ".stage", "must be 0 to 10, got 11");
        assertRejected(MINIMAL + "timeout: 0s\n", ".timeout", "must be greater than 0");
        assertRejected(MINIMAL + "algorithm: 5\n", ".algorithm", "unknown value 5 (expected FIXED_WINDOW or SLIDING_WINDOW)");
        String base = "domain: d\nredis_address: r:1\nlimits:\n";
        assertRejected(base + "- { entries: [ { value: v } ], unit: SECOND }\n", ".limits[0].entries[0].key",
                "must not be empty");
        assertRejected(base + "- { entries: [ { key: k } ], unit: 9 }\n", ".limits[0].unit",
                "unknown value 9 (expected SECOND, MINUTE, HOUR or DAY)");
        assertRejected(base + "- { entries: [ { key: k, value: v } ], unit: SECOND }\n"
                        + "- { entries: [ { key: k, value: v } ], unit: HOUR }\n",
                ".limits[1].entries", "duplicate descriptor k=v (first at limits[0])");
    }

    @Test
    void configFilesCanNameTheType() {
        assertEquals(RedisRateLimit.getDescriptor(), EnvoyTypes.forTypeUrl(RedisRateLimitTranslator.TYPE).orElseThrow(),
                "a typed_config's @type finds the message without any registration");
    }

    @Test
    void anotherFiltersConfigIsRejected() {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RedisRateLimitTranslator.translate(Any.pack(RateLimit.getDefaultInstance()), FieldPath.of(AT)));
        assertEquals("expected outrigger.ratelimit.v1.RedisRateLimit, got"
                + " envoy.extensions.filters.http.ratelimit.v3.RateLimit", e.reason());
    }
}
