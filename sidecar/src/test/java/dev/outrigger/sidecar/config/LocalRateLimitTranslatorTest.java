package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorLimit;
import dev.outrigger.sidecar.ratelimit.Fraction;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitAction;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.sidecar.route.AppendAction;
import dev.outrigger.sidecar.route.HeaderMutations;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRateLimitTranslatorTest {

    private static final String AT = "http_filters[0].typed_config";
    private static final String BUCKET = "stat_prefix: rl\ntoken_bucket: { max_tokens: 10, fill_interval: 1s }\n";

    private static LocalRateLimit proto(String yaml) {
        return ProtoYaml.parse(yaml, LocalRateLimit.newBuilder());
    }

    private static LocalRateLimitConfig filter(String yaml) throws ResourceInvalidException {
        return LocalRateLimitTranslator.translate(Any.pack(proto(yaml)), FieldPath.of(AT));
    }

    private static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> filter(yaml));
        assertEquals(AT + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    @Test
    void minimalFilterHasEnvoysDefaults() throws Exception {
        LocalRateLimitConfig c = filter(BUCKET);
        assertEquals("rl", c.statPrefix());
        assertEquals(new TokenBucketSpec(10, 1, Duration.ofSeconds(1)), c.tokenBucket());
        assertEquals(Fraction.NONE, c.filterEnabled(), "Envoy: 0% enabled unless filter_enabled says otherwise");
        assertEquals(Fraction.NONE, c.filterEnforced());
        assertEquals(429, c.status());
        assertEquals(List.of(), c.descriptors());
        assertEquals(0, c.stage());
        assertFalse(c.perConnection());
        assertFalse(c.xRateLimitHeaders());
        assertEquals(VirtualHostRateLimits.OVERRIDE, c.virtualHostRateLimits());
        assertTrue(c.alwaysConsumeDefaultTokenBucket());
        assertEquals(LocalRateLimitConfig.GRPC_UNAVAILABLE, c.grpcStatus());
        assertEquals(20, c.maxDynamicDescriptors());
        assertEquals(HeaderMutations.NONE, c.responseHeadersToAdd());
        assertFalse(c.usesDescriptors());
    }

    @Test
    void everySupportedField() throws Exception {
        LocalRateLimitConfig c = filter("""
                stat_prefix: inbound_rl
                status: { code: ServiceUnavailable }
                token_bucket: { max_tokens: 100, tokens_per_fill: 50, fill_interval: 0.5s }
                filter_enabled:
                  runtime_key: local_rate_limit_enabled
                  default_value: { numerator: 100, denominator: HUNDRED }
                filter_enforced:
                  default_value: { numerator: 5000, denominator: TEN_THOUSAND }
                response_headers_to_add:
                - header: { key: x-local-rate-limit, value: "true" }
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
                request_headers_to_add_when_not_enforced:
                - header: { key: x-would-be-limited, value: "1" }
                descriptors:
                - entries: [ { key: client, value: "" } ]
                  token_bucket: { max_tokens: 5, fill_interval: 1s }
                - entries: [ { key: path, value: /login }, { key: method, value: POST } ]
                  token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 60s }
                stage: 2
                enable_x_ratelimit_headers: DRAFT_VERSION_03
                vh_rate_limits: INCLUDE
                always_consume_default_token_bucket: false
                rate_limited_as_resource_exhausted: true
                rate_limits:
                - actions: [ { request_headers: { header_name: x-client, descriptor_key: client } } ]
                max_dynamic_descriptors: 500
                """);
        assertEquals("inbound_rl", c.statPrefix());
        assertEquals(503, c.status());
        assertEquals(new TokenBucketSpec(100, 50, Duration.ofMillis(500)), c.tokenBucket());
        assertEquals(Fraction.ALL, c.filterEnabled(), "runtime_key is accepted; default_value applies");
        assertEquals(new Fraction(5000, Fraction.Denominator.TEN_THOUSAND), c.filterEnforced());
        assertEquals(1, c.responseHeadersToAdd().additions().size());
        assertEquals("x-local-rate-limit", c.responseHeadersToAdd().additions().get(0).name());
        assertEquals(AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, c.responseHeadersToAdd().additions().get(0).action());
        assertEquals("x-would-be-limited", c.requestHeadersToAddWhenNotEnforced().additions().get(0).name());
        assertEquals(List.of(
                new DescriptorLimit(Descriptor.ofPairs("client", ""), new TokenBucketSpec(5, 1, Duration.ofSeconds(1))),
                new DescriptorLimit(Descriptor.ofPairs("path", "/login", "method", "POST"),
                        new TokenBucketSpec(2, 2, Duration.ofSeconds(60)))), c.descriptors());
        assertEquals(2, c.stage());
        assertTrue(c.xRateLimitHeaders());
        assertEquals(VirtualHostRateLimits.INCLUDE, c.virtualHostRateLimits());
        assertFalse(c.alwaysConsumeDefaultTokenBucket());
        assertEquals(LocalRateLimitConfig.GRPC_RESOURCE_EXHAUSTED, c.grpcStatus());
        assertEquals(List.of(RateLimitRule.of(new RateLimitAction.RequestHeaders("x-client", "client", false))),
                c.rateLimits());
        assertEquals(500, c.maxDynamicDescriptors());
    }

    @Test
    void theFilterMayGoWithoutABucketButARouteOverrideMayNot() throws Exception {
        String yaml = "stat_prefix: rl\n";
        assertNull(filter(yaml).tokenBucket(), "no default bucket: only route overrides limit");
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> LocalRateLimitTranslator.translatePerRoute(Any.pack(proto(yaml)),
                        FieldPath.of("typed_per_filter_config[\"envoy.filters.http.local_ratelimit\"]")));
        assertEquals("typed_per_filter_config[\"envoy.filters.http.local_ratelimit\"].token_bucket",
                e.path().toString());
        assertEquals("required in a route's or virtual host's override, as in Envoy: the override limits with its"
                + " own bucket", e.reason());
        LocalRateLimitConfig route = LocalRateLimitTranslator.translatePerRoute(Any.pack(proto(BUCKET)),
                FieldPath.of("r"));
        assertEquals(10, route.tokenBucket().maxTokens());
    }

    @Test
    void aStatusBelow400BecomesTooManyRequests() throws Exception {
        assertEquals(429, filter(BUCKET + "status: { code: OK }\n").status());
        assertRejected(BUCKET + "status: {}\n", ".status.code", "required: the HTTP status of a refusal");
    }

    @Test
    void perConnectionBucketsAreSupportedWithoutWildcards() throws Exception {
        assertTrue(filter(BUCKET + "local_rate_limit_per_downstream_connection: true\n").perConnection());
        assertRejected(BUCKET + """
                local_rate_limit_per_downstream_connection: true
                descriptors:
                - entries: [ { key: client } ]
                  token_bucket: { max_tokens: 5, fill_interval: 1s }
                """, ".descriptors[0].entries", "an empty value (a bucket per distinct value) does not work with"
                + " local_rate_limit_per_downstream_connection, as in Envoy");
    }

    @Test
    void requiredFields() {
        assertRejected("token_bucket: { max_tokens: 1, fill_interval: 1s }\n", ".stat_prefix",
                "required, as in Envoy (it prefixes this filter's statistics)");
        assertRejected("stat_prefix: rl\nfilter_enabled: { runtime_key: k }\n", ".filter_enabled.default_value",
                "required (Outrigger has no runtime, so it is the share used)");
    }

    @Test
    void tokenBucketErrors() {
        assertRejected("stat_prefix: rl\ntoken_bucket: { fill_interval: 1s }\n", ".token_bucket.max_tokens",
                "must be greater than 0");
        assertRejected("stat_prefix: rl\ntoken_bucket: { max_tokens: 1 }\n", ".token_bucket.fill_interval",
                "required: the time between two fills, at least 50ms");
        assertRejected("stat_prefix: rl\ntoken_bucket: { max_tokens: 1, fill_interval: 0.049s }\n",
                ".token_bucket.fill_interval", "must be at least 50ms, as in Envoy (got 0.049s)");
        assertRejected("stat_prefix: rl\ntoken_bucket: { max_tokens: 1, fill_interval: -1s }\n",
                ".token_bucket.fill_interval", "must not be negative, got -1s");
        assertRejected("stat_prefix: rl\ntoken_bucket: { max_tokens: 1, tokens_per_fill: 0, fill_interval: 1s }\n",
                ".token_bucket.tokens_per_fill", "must be greater than 0 (unset means 1)");
    }

    @Test
    void descriptorErrors() {
        String five = "  token_bucket: { max_tokens: 5, fill_interval: 1s }\n";
        assertRejected("stat_prefix: rl\ndescriptors:\n- entries: [ { key: k, value: v } ]\n" + five,
                ".token_bucket", "required with descriptors, as in Envoy: every descriptor's fill_interval must be"
                        + " a multiple of this bucket's");
        assertRejected(BUCKET + "descriptors:\n- token_bucket: { max_tokens: 5, fill_interval: 1s }\n",
                ".descriptors[0].entries", "at least one entry is required");
        assertRejected(BUCKET + "descriptors:\n- entries: [ { value: v } ]\n" + five,
                ".descriptors[0].entries[0].key", "must not be empty");
        assertRejected(BUCKET + "descriptors:\n- entries: [ { key: k, value: v } ]\n",
                ".descriptors[0].token_bucket", "required: the bucket of this descriptor");
        assertRejected(BUCKET + "descriptors:\n- entries: [ { key: k, value: v } ]\n" + five
                        + "- entries: [ { key: k, value: v } ]\n" + five,
                ".descriptors[1]", "duplicate descriptor k=v (first at descriptors[0])");
        assertRejected(BUCKET + "descriptors:\n- entries: [ { key: k, value: v } ]\n"
                        + "  token_bucket: { max_tokens: 5, fill_interval: 1.5s }\n",
                ".descriptors[0].token_bucket.fill_interval",
                "must be a multiple of token_bucket's fill_interval (1s), as in Envoy; got 1.5s");
        assertRejected(BUCKET + "descriptors:\n- entries: [ { key: k, value: v } ]\n"
                        + "  token_bucket: { max_tokens: 0, fill_interval: 2s }\n",
                ".descriptors[0].token_bucket.max_tokens", "must be greater than 0");
    }

    @Test
    void enumAndRangeErrors() {
        assertRejected(BUCKET + "stage: 11\n", ".stage", "must be 0 to 10, got 11");
        assertRejected(BUCKET + "max_dynamic_descriptors: 0\n", ".max_dynamic_descriptors", "must be at least 1");
        assertRejected(BUCKET + "enable_x_ratelimit_headers: 7\n", ".enable_x_ratelimit_headers",
                "unknown value 7 (expected OFF or DRAFT_VERSION_03)");
        assertRejected(BUCKET + "vh_rate_limits: 9\n", ".vh_rate_limits",
                "unknown value 9 (expected OVERRIDE, INCLUDE or IGNORE)");
        assertRejected(BUCKET + "filter_enforced: { default_value: { numerator: 1, denominator: 5 } }\n",
                ".filter_enforced.default_value.denominator",
                "unknown value 5 (expected HUNDRED, TEN_THOUSAND or MILLION)");
    }

    @Test
    void headerListErrors() {
        StringBuilder eleven = new StringBuilder(BUCKET + "response_headers_to_add:\n");
        for (int i = 0; i < 11; i++) {
            eleven.append("- header: { key: x-h").append(i).append(", value: v }\n");
        }
        assertRejected(eleven.toString(), ".response_headers_to_add", "at most 10 headers, as in Envoy; got 11");
        assertRejected(BUCKET + "request_headers_to_add_when_not_enforced:\n- header: { key: host, value: v }\n",
                ".request_headers_to_add_when_not_enforced[0].header.key",
                "host cannot be modified by header rules (use host_rewrite_literal)");
    }

    @Test
    void unsupportedFields() {
        assertRejected(BUCKET + "local_cluster_rate_limit: {}\n", ".local_cluster_rate_limit",
                "is not supported: Outrigger does not track the membership of a local cluster to share a limit"
                        + " among its instances");
        assertRejected(BUCKET + "rate_limits:\n- disable_key: k\n  actions: [ { remote_address: {} } ]\n",
                ".rate_limits[0].disable_key", "field is not supported by Outrigger (supported here: actions)");
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> LocalRateLimitTranslator.translate(Any.pack(Router.getDefaultInstance()), FieldPath.of(AT)));
        assertEquals("expected envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, got"
                + " envoy.extensions.filters.http.router.v3.Router", e.reason());
    }
}
