package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import java.time.Duration;
import java.util.Objects;

/**
 * A global rate limit HTTP filter, translated once from Envoy's
 * {@code envoy.extensions.filters.http.ratelimit.v3.RateLimit} or Outrigger's
 * {@code outrigger.ratelimit.v1.RedisRateLimit}. Immutable. The filter builds descriptors from the
 * route's and virtual host's {@code rate_limits} of its {@code stage}, asks the {@link #backend()}
 * (with at most {@link #timeout()} per call), and refuses with 429 when the answer is OVER_LIMIT.
 *
 * @param domain the rate limit domain sent with every call ({@code domain}, required)
 * @param stage the stage of the route rules the filter uses, 0 to 10 ({@code stage})
 * @param requestType which requests the filter applies to ({@code request_type}, default both)
 * @param timeout the longest a call may take ({@code timeout}, default 20ms as in Envoy)
 * @param failureModeDeny refuse requests when the backend fails or times out, instead of letting
 *     them through ({@code failure_mode_deny}, default false)
 * @param statusOnError the HTTP status of such a refusal ({@code status_on_error}, default 500)
 * @param xRateLimitHeaders add {@code x-ratelimit-*} from the decision ({@link XRateLimitHeaders})
 *     to responses ({@code enable_x_ratelimit_headers: DRAFT_VERSION_03})
 * @param rateLimitedAsResourceExhausted refuse gRPC calls with RESOURCE_EXHAUSTED instead of
 *     UNAVAILABLE ({@code rate_limited_as_resource_exhausted})
 * @param backend where decisions come from
 */
public record GlobalRateLimitConfig(
        String domain,
        int stage,
        RequestType requestType,
        Duration timeout,
        boolean failureModeDeny,
        int statusOnError,
        boolean xRateLimitHeaders,
        boolean rateLimitedAsResourceExhausted,
        GlobalRateLimitBackend backend) {

    /** A call's timeout unless {@code timeout} says otherwise: Envoy's 20ms. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(20);
    /** The status of a refusal when the backend fails and failure mode is deny, unless {@code status_on_error} says otherwise. */
    public static final int DEFAULT_STATUS_ON_ERROR = 500;
    /** The status of a request refused for being over limit. */
    public static final int RATE_LIMITED_STATUS = 429;

    public GlobalRateLimitConfig {
        Objects.requireNonNull(domain, "domain");
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("domain must not be empty");
        }
        if (stage < 0 || stage > RateLimitRule.MAX_STAGE) {
            throw new IllegalArgumentException("stage must be 0 to " + RateLimitRule.MAX_STAGE + ", got " + stage);
        }
        Objects.requireNonNull(requestType, "requestType");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be greater than 0, got " + timeout);
        }
        if (statusOnError < 200 || statusOnError > 599) {
            throw new IllegalArgumentException("statusOnError must be 200 to 599, got " + statusOnError);
        }
        Objects.requireNonNull(backend, "backend");
    }

    /** The {@code grpc-status} of a gRPC call refused for being over limit (its HTTP status is 200). */
    public int grpcStatus() {
        return rateLimitedAsResourceExhausted
                ? LocalRateLimitConfig.GRPC_RESOURCE_EXHAUSTED
                : LocalRateLimitConfig.GRPC_UNAVAILABLE;
    }
}
