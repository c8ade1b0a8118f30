package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitPerRoute;
import dev.outrigger.sidecar.ratelimit.global.RequestType;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.time.Duration;
import java.util.List;

/**
 * Translates Envoy's global rate limit filter ({@code envoy.filters.http.ratelimit}, {@code RateLimit})
 * into a {@link GlobalRateLimitConfig} whose backend is a rate limit service reached through a
 * cluster, and its per-route override ({@code RateLimitPerRoute}) into a {@link GlobalRateLimitPerRoute}.
 */
final class GlobalRateLimitTranslator {

    /** The name Envoy gives the HTTP rate limit filter. */
    static final String NAME = "envoy.filters.http.ratelimit";

    private GlobalRateLimitTranslator() {
    }

    /** Translates the filter's {@code typed_config}, found at {@code path}. */
    static GlobalRateLimitConfig translate(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return translate(ConfigValues.unpack(typedConfig, RateLimit.class, path), path);
    }

    /** Translates {@code config}, found at {@code path}. */
    static GlobalRateLimitConfig translate(RateLimit config, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(config, path, "domain", "stage", "request_type", "timeout", "failure_mode_deny",
                "rate_limited_as_resource_exhausted", "rate_limit_service", "enable_x_ratelimit_headers",
                "status_on_error");
        if (config.getDomain().isEmpty()) {
            throw path.field("domain").invalid("required: the rate limit domain sent to the service");
        }
        if (!config.hasRateLimitService()) {
            throw path.field("rate_limit_service").invalid("required: the rate limit service to ask");
        }
        return new GlobalRateLimitConfig(
                config.getDomain(),
                stage(config.getStage(), path.field("stage")),
                requestType(config.getRequestType(), path.field("request_type")),
                timeout(config.hasTimeout(), config.getTimeout(), path.field("timeout")),
                config.getFailureModeDeny(),
                statusOnError(config, path),
                xRateLimitHeaders(config, path),
                config.getRateLimitedAsResourceExhausted(),
                service(config.getRateLimitService(), path.field("rate_limit_service")));
    }

    /** Translates a {@code typed_per_filter_config} entry for this filter, found at {@code path}. */
    static GlobalRateLimitPerRoute translatePerRoute(Any typedConfig, FieldPath path)
            throws ResourceInvalidException {
        return translatePerRoute(ConfigValues.unpack(typedConfig, RateLimitPerRoute.class, path), path);
    }

    /** Translates {@code config}, found at {@code path}. */
    static GlobalRateLimitPerRoute translatePerRoute(RateLimitPerRoute config, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(config, path, "vh_rate_limits", "override_option", "rate_limits", "domain");
        if (config.getOverrideOption() != RateLimitPerRoute.OverrideOptions.DEFAULT) {
            throw path.field("override_option").invalid("only DEFAULT is supported (Envoy does not implement the"
                    + " others either), got " + config.getOverrideOptionValue());
        }
        VirtualHostRateLimits vh = switch (config.getVhRateLimits()) {
            case OVERRIDE -> VirtualHostRateLimits.OVERRIDE;
            case INCLUDE -> VirtualHostRateLimits.INCLUDE;
            case IGNORE -> VirtualHostRateLimits.IGNORE;
            default -> throw path.field("vh_rate_limits").invalid("unknown value " + config.getVhRateLimitsValue()
                    + " (expected OVERRIDE, INCLUDE or IGNORE)");
        };
        // As in Envoy, these rules take no stage, disable_key or limit: the embedded form rejects them.
        List<RateLimitRule> rules = RateLimitActionsTranslator.translateEmbedded(config.getRateLimitsList(),
                path.field("rate_limits"));
        return new GlobalRateLimitPerRoute(config.getDomain(), vh, rules);
    }

    /** A {@code stage}, 0 to 10. */
    static int stage(int stage, FieldPath path) throws ResourceInvalidException {
        long value = Integer.toUnsignedLong(stage);
        if (value > RateLimitRule.MAX_STAGE) {
            throw path.invalid("must be 0 to " + RateLimitRule.MAX_STAGE + ", got " + value);
        }
        return (int) value;
    }

    /** A call {@code timeout}: positive, 20ms when unset. */
    static Duration timeout(boolean set, com.google.protobuf.Duration value, FieldPath path)
            throws ResourceInvalidException {
        return set ? ConfigValues.positive(value, path) : GlobalRateLimitConfig.DEFAULT_TIMEOUT;
    }

    private static RequestType requestType(String value, FieldPath path) throws ResourceInvalidException {
        return switch (value) {
            case "", "both" -> RequestType.BOTH;
            case "internal" -> RequestType.INTERNAL;
            case "external" -> RequestType.EXTERNAL;
            default -> throw path.invalid("must be internal, external or both, got \"" + value + "\"");
        };
    }

    private static int statusOnError(RateLimit config, FieldPath path) throws ResourceInvalidException {
        if (!config.hasStatusOnError()) {
            return GlobalRateLimitConfig.DEFAULT_STATUS_ON_ERROR;
        }
        FieldPath at = path.field("status_on_error");
        HttpStatus status = config.getStatusOnError();
        FieldCheck.only(status, at, "code");
        int code = status.getCodeValue();
        if (code == 0) {
            throw at.field("code").invalid("required: the HTTP status when the service fails");
        }
        if (StatusCode.forNumber(code) == null) {
            throw at.field("code").invalid(code + " is not an HTTP status Envoy knows");
        }
        if (code < 200) {
            throw at.field("code").invalid("must be a final status, 200 or above; got " + code);
        }
        return code;
    }

    private static boolean xRateLimitHeaders(RateLimit config, FieldPath path) throws ResourceInvalidException {
        return switch (config.getEnableXRatelimitHeaders()) {
            case OFF -> false;
            case DRAFT_VERSION_03 -> true;
            default -> throw path.field("enable_x_ratelimit_headers").invalid("unknown value "
                    + config.getEnableXRatelimitHeadersValue() + " (expected OFF or DRAFT_VERSION_03)");
        };
    }

    private static GlobalRateLimitBackend service(RateLimitServiceConfig service, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(service, path, "grpc_service", "transport_api_version");
        if (service.getTransportApiVersion() != ApiVersion.V3) {
            throw path.field("transport_api_version").invalid("must be V3, the only version of the rate limit"
                    + " service protocol Outrigger speaks (as in current Envoy), got "
                    + service.getTransportApiVersion());
        }
        if (!service.hasGrpcService()) {
            throw path.field("grpc_service").invalid("required: the gRPC service to call");
        }
        FieldPath at = path.field("grpc_service");
        GrpcService grpc = service.getGrpcService();
        if (grpc.hasGoogleGrpc()) {
            throw at.field("google_grpc").invalid("is not supported: name the service's cluster with envoy_grpc");
        }
        FieldCheck.only(grpc, at, "envoy_grpc");
        if (!grpc.hasEnvoyGrpc()) {
            throw at.field("envoy_grpc").invalid("required: the cluster of the rate limit service");
        }
        FieldCheck.only(grpc.getEnvoyGrpc(), at.field("envoy_grpc"), "cluster_name");
        String cluster = grpc.getEnvoyGrpc().getClusterName();
        if (cluster.isEmpty()) {
            throw at.field("envoy_grpc").field("cluster_name").invalid("required: the cluster of the rate limit"
                    + " service");
        }
        return new GlobalRateLimitBackend.Grpc(cluster);
    }
}
