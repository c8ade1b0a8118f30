package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitAction;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitPerRoute;
import dev.outrigger.sidecar.ratelimit.global.RequestType;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobalRateLimitTranslatorTest {

    private static final String AT = "http_filters[1].typed_config";
    private static final String ROUTE_AT = "typed_per_filter_config[\"envoy.filters.http.ratelimit\"]";
    private static final String SERVICE = """
            rate_limit_service:
              grpc_service: { envoy_grpc: { cluster_name: ratelimit } }
              transport_api_version: V3
            """;
    private static final String MINIMAL = "domain: shop\n" + SERVICE;

    private static GlobalRateLimitConfig filter(String yaml) throws ResourceInvalidException {
        return GlobalRateLimitTranslator.translate(Any.pack(ProtoYaml.<RateLimit>parse(yaml, RateLimit.newBuilder())),
                FieldPath.of(AT));
    }

    private static GlobalRateLimitPerRoute perRoute(String yaml) throws ResourceInvalidException {
        return GlobalRateLimitTranslator.translatePerRoute(
                Any.pack(ProtoYaml.<RateLimitPerRoute>parse(yaml, RateLimitPerRoute.newBuilder())),
                FieldPath.of(ROUTE_AT));
    }

    private static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> filter(yaml));
        assertEquals(AT + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    private static void assertRouteRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> perRoute(yaml));
        assertEquals(ROUTE_AT + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    @Test
    void minimalFilterHasEnvoysDefaults() throws Exception {
        GlobalRateLimitConfig c = filter(MINIMAL);
        assertEquals(new GlobalRateLimitConfig("shop", 0, RequestType.BOTH, Duration.ofMillis(20), false, 500, false,
                false, new GlobalRateLimitBackend.Grpc("ratelimit")), c);
        assertEquals(LocalRateLimitConfig.GRPC_UNAVAILABLE, c.grpcStatus());
    }

    @Test
    void everySupportedField() throws Exception {
        GlobalRateLimitConfig c = filter("""
                domain: edge
                stage: 3
                request_type: external
                timeout: 0.25s
                failure_mode_deny: true
                rate_limited_as_resource_exhausted: true
                enable_x_ratelimit_headers: DRAFT_VERSION_03
                status_on_error: { code: ServiceUnavailable }
                rate_limit_service:
                  grpc_service: { envoy_grpc: { cluster_name: rls_cluster } }
                  transport_api_version: V3
                """);
        assertEquals(new GlobalRateLimitConfig("edge", 3, RequestType.EXTERNAL, Duration.ofMillis(250), true, 503,
                true, true, new GlobalRateLimitBackend.Grpc("rls_cluster")), c);
        assertEquals(LocalRateLimitConfig.GRPC_RESOURCE_EXHAUSTED, c.grpcStatus());
        assertEquals(RequestType.INTERNAL, filter(MINIMAL + "request_type: internal\n").requestType());
        assertEquals(RequestType.BOTH, filter(MINIMAL + "request_type: both\n").requestType());
        assertTrue(RequestType.EXTERNAL.appliesTo(false));
        assertFalse(RequestType.EXTERNAL.appliesTo(true));
    }

    @Test
    void requiredFields() {
        assertRejected(SERVICE, ".domain", "required: the rate limit domain sent to the service");
        assertRejected("domain: shop\n", ".rate_limit_service", "required: the rate limit service to ask");
        assertRejected("domain: shop\nrate_limit_service: { transport_api_version: V3 }\n",
                ".rate_limit_service.grpc_service", "required: the gRPC service to call");
        assertRejected("domain: shop\nrate_limit_service: { grpc_service: { timeout: 1s }, transport_api_version: V3 }\n",
                ".rate_limit_service.grpc_service.timeout",
                "field is not supported by Outrigger (supported here: envoy_grpc)");
        assertRejected("domain: shop\nrate_limit_service:\n  grpc_service: { envoy_grpc: {} }\n"
                        + "  transport_api_version: V3\n",
                ".rate_limit_service.grpc_service.envoy_grpc.cluster_name",
                "required: the cluster of the rate limit service");
        assertRejected("domain: shop\nrate_limit_service: { grpc_service: {}, transport_api_version: V3 }\n",
                ".rate_limit_service.grpc_service.envoy_grpc", "required: the cluster of the rate limit service");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "disable_x_envoy_ratelimited_header: true | disable_x_envoy_ratelimited_header",
        "rate_limited_status: { code: ServiceUnavailable } | rate_limited_status",
        "response_headers_to_add: [ { header: { key: x, value: y } } ] | response_headers_to_add",
        "stat_prefix: edge | stat_prefix",
        "filter_enabled: { default_value: { numerator: 50 } } | filter_enabled",
        "filter_enforced: { default_value: { numerator: 50 } } | filter_enforced"
    })
    void unsupportedFieldsAreNamed(String yaml, String field) {
        assertRejected(MINIMAL + yaml + "\n", "." + field, "field is not supported by Outrigger (supported here:"
                + " domain, enable_x_ratelimit_headers, failure_mode_deny, rate_limit_service,"
                + " rate_limited_as_resource_exhausted, request_type, stage, status_on_error, timeout)");
    }

    @Test
    void valueErrors() {
        assertRejected(MINIMAL + "stage: 11\n", ".stage", "must be 0 to 10, got 11");
        assertRejected(MINIMAL + "request_type: inbound\n", ".request_type",
                "must be internal, external or both, got \"inbound\"");
        assertRejected(MINIMAL + "timeout: 0s\n", ".timeout", "must be greater than 0");
        assertRejected(MINIMAL + "timeout: -1s\n", ".timeout", "must not be negative, got -1s");
        assertRejected(MINIMAL + "enable_x_ratelimit_headers: 7\n", ".enable_x_ratelimit_headers",
                "unknown value 7 (expected OFF or DRAFT_VERSION_03)");
        assertRejected(MINIMAL + "status_on_error: {}\n", ".status_on_error.code",
                "required: the HTTP status when the service fails");
        assertRejected(MINIMAL + "status_on_error: { code: 999 }\n", ".status_on_error.code",
                "999 is not an HTTP status Envoy knows");
        assertRejected(MINIMAL + "status_on_error: { code: Continue }\n", ".status_on_error.code",
                "must be a final status, 200 or above; got 100");
    }

    @Test
    void theServiceMustBeAnEnvoyGrpcClusterOnV3() {
        assertRejected("domain: shop\nrate_limit_service: { grpc_service: { envoy_grpc: { cluster_name: r } } }\n",
                ".rate_limit_service.transport_api_version", "must be V3, the only version of the rate limit"
                        + " service protocol Outrigger speaks (as in current Envoy), got AUTO");
        assertRejected("domain: shop\nrate_limit_service:\n  grpc_service: { google_grpc: { target_uri: x,"
                        + " stat_prefix: y } }\n  transport_api_version: V3\n",
                ".rate_limit_service.grpc_service.google_grpc",
                "is not supported: name the service's cluster with envoy_grpc");
        assertRejected("domain: shop\nrate_limit_service:\n  grpc_service: { envoy_grpc: { cluster_name: r,"
                        + " authority: a } }\n  transport_api_version: V3\n",
                ".rate_limit_service.grpc_service.envoy_grpc.authority",
                "field is not supported by Outrigger (supported here: cluster_name)");
    }

    @Test
    void anotherFiltersConfigIsRejected() {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> GlobalRateLimitTranslator.translate(Any.pack(LocalRateLimit.getDefaultInstance()),
                        FieldPath.of(AT)));
        assertEquals("expected envoy.extensions.filters.http.ratelimit.v3.RateLimit, got"
                + " envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", e.reason());
    }

    @Test
    void perRouteOverride() throws Exception {
        assertEquals(new GlobalRateLimitPerRoute("", VirtualHostRateLimits.OVERRIDE, List.of()), perRoute(""));
        GlobalRateLimitPerRoute r = perRoute("""
                domain: checkout
                vh_rate_limits: INCLUDE
                override_option: DEFAULT
                rate_limits:
                - actions: [ { generic_key: { descriptor_value: slow } } ]
                """);
        assertEquals(new GlobalRateLimitPerRoute("checkout", VirtualHostRateLimits.INCLUDE, List.of(RateLimitRule.of(
                new RateLimitAction.GenericKey(new DescriptorEntry("generic_key", "slow"))))), r);
        assertEquals("checkout", r.domainOr("shop"));
        assertEquals("shop", perRoute("vh_rate_limits: IGNORE\n").domainOr("shop"));
        assertEquals(VirtualHostRateLimits.IGNORE, perRoute("vh_rate_limits: IGNORE\n").virtualHostRateLimits());
    }

    @Test
    void perRouteErrors() {
        assertRouteRejected("override_option: INCLUDE_POLICY\n", ".override_option",
                "only DEFAULT is supported (Envoy does not implement the others either), got 2");
        assertRouteRejected("vh_rate_limits: 9\n", ".vh_rate_limits",
                "unknown value 9 (expected OVERRIDE, INCLUDE or IGNORE)");
        assertRouteRejected("rate_limits: [ { stage: 1, actions: [ { remote_address: {} } ] } ]\n",
                ".rate_limits[0].stage", "field is not supported by Outrigger (supported here: actions)");
        assertRouteRejected("rate_limits: [ { actions: [ { remote_address: {} } ],"
                        + " limit: { dynamic_metadata: { metadata_key: { key: k, path: [ { key: p } ] } } } } ]\n",
                ".rate_limits[0].limit", "is not supported: a limit override is for the global rate limit service;"
                        + " a local rate limit takes its limits from the filter's descriptors");
    }
}
