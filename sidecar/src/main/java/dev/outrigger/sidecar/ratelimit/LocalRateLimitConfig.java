package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.route.HeaderMutations;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Envoy's HTTP local rate limit filter ({@code envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit}),
 * as the filter's own configuration or as a route's or virtual host's override of it. Immutable;
 * a {@link LocalRateLimiter} holds the buckets.
 *
 * @param statPrefix prefixes the filter's statistics ({@code stat_prefix}, required)
 * @param tokenBucket the default bucket ({@code token_bucket}), or null: then a request that
 *     matches no descriptor is not limited (a filter may be on everywhere with its limits on routes)
 * @param filterEnabled share of requests the filter looks at ({@code filter_enabled}, default none, as in Envoy)
 * @param filterEnforced share of limited requests that are refused ({@code filter_enforced},
 *     default none: limited requests are only counted)
 * @param status the status of a refusal ({@code status}, default 429; Envoy turns one below 400 into 429)
 * @param descriptors the descriptor limits, in configuration order; none is a wildcard when
 *     {@code perConnection}
 * @param stage the stage of the route rules the filter uses, 0 to 10 ({@code stage})
 * @param perConnection one set of buckets per downstream connection instead of one per
 *     configuration ({@code local_rate_limit_per_downstream_connection})
 * @param xRateLimitHeaders add {@code x-ratelimit-limit/-remaining/-reset} to responses
 *     ({@code enable_x_ratelimit_headers: DRAFT_VERSION_03})
 * @param virtualHostRateLimits whether a virtual host's {@code rate_limits} count ({@code vh_rate_limits})
 * @param alwaysConsumeDefaultTokenBucket take from the default bucket even when a descriptor
 *     matched ({@code always_consume_default_token_bucket}, default true)
 * @param rateLimitedAsResourceExhausted refuse gRPC calls with RESOURCE_EXHAUSTED instead of
 *     UNAVAILABLE ({@code rate_limited_as_resource_exhausted})
 * @param rateLimits the filter's own rules ({@code rate_limits}); when there are any, the route's
 *     and virtual host's are not used
 * @param maxDynamicDescriptors buckets kept per wildcard descriptor, least recently used evicted
 *     first ({@code max_dynamic_descriptors}, default 20)
 * @param responseHeadersToAdd added to refusals ({@code response_headers_to_add})
 * @param requestHeadersToAddWhenNotEnforced added to limited requests that are forwarded
 *     ({@code request_headers_to_add_when_not_enforced})
 */
public record LocalRateLimitConfig(
        String statPrefix,
        TokenBucketSpec tokenBucket,
        Fraction filterEnabled,
        Fraction filterEnforced,
        int status,
        List<DescriptorLimit> descriptors,
        int stage,
        boolean perConnection,
        boolean xRateLimitHeaders,
        VirtualHostRateLimits virtualHostRateLimits,
        boolean alwaysConsumeDefaultTokenBucket,
        boolean rateLimitedAsResourceExhausted,
        List<RateLimitRule> rateLimits,
        int maxDynamicDescriptors,
        HeaderMutations responseHeadersToAdd,
        HeaderMutations requestHeadersToAddWhenNotEnforced) {

    /** The status of a refusal unless {@code status} says otherwise. */
    public static final int DEFAULT_STATUS = 429;
    /** Buckets kept per wildcard descriptor unless {@code max_dynamic_descriptors} says otherwise. */
    public static final int DEFAULT_MAX_DYNAMIC_DESCRIPTORS = 20;
    /** gRPC's UNAVAILABLE: the status of a refused gRPC call by default. */
    public static final int GRPC_UNAVAILABLE = 14;
    /** gRPC's RESOURCE_EXHAUSTED. */
    public static final int GRPC_RESOURCE_EXHAUSTED = 8;

    /**
     * Which rules count when a route and its virtual host both have {@code rate_limits}; Envoy's
     * {@code VhRateLimitsOptions}.
     */
    public enum VirtualHostRateLimits {
        /** The virtual host's rules only when the route has none (the default). */
        OVERRIDE,
        /** Both, the route's first. */
        INCLUDE,
        /** Never the virtual host's. */
        IGNORE
    }

    public LocalRateLimitConfig {
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(filterEnabled, "filterEnabled");
        Objects.requireNonNull(filterEnforced, "filterEnforced");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 400 to 599, got " + status);
        }
        descriptors = List.copyOf(descriptors);
        Set<Descriptor> seen = new HashSet<>();
        for (DescriptorLimit d : descriptors) {
            if (!seen.add(d.descriptor())) {
                throw new IllegalArgumentException("descriptor " + d.descriptor() + " is given twice");
            }
            if (perConnection && d.descriptor().isWildcard()) {
                throw new IllegalArgumentException("wildcard descriptor " + d.descriptor()
                        + " cannot be used per connection");
            }
        }
        if (stage < 0 || stage > RateLimitRule.MAX_STAGE) {
            throw new IllegalArgumentException("stage must be 0 to " + RateLimitRule.MAX_STAGE + ", got " + stage);
        }
        Objects.requireNonNull(virtualHostRateLimits, "virtualHostRateLimits");
        rateLimits = List.copyOf(rateLimits);
        if (maxDynamicDescriptors < 1) {
            throw new IllegalArgumentException("maxDynamicDescriptors must be at least 1, got "
                    + maxDynamicDescriptors);
        }
        Objects.requireNonNull(responseHeadersToAdd, "responseHeadersToAdd");
        Objects.requireNonNull(requestHeadersToAddWhenNotEnforced, "requestHeadersToAddWhenNotEnforced");
    }

    /**
     * A configuration with Envoy's defaults around one bucket: enabled and enforced for every
     * request, status 429, no descriptors, no headers.
     */
    public static LocalRateLimitConfig simple(String statPrefix, TokenBucketSpec tokenBucket) {
        return new LocalRateLimitConfig(statPrefix, tokenBucket, Fraction.ALL, Fraction.ALL, DEFAULT_STATUS, List.of(),
                0, false, false, VirtualHostRateLimits.OVERRIDE, true, false, List.of(),
                DEFAULT_MAX_DYNAMIC_DESCRIPTORS, HeaderMutations.NONE, HeaderMutations.NONE);
    }

    /** This configuration with other descriptor limits. */
    public LocalRateLimitConfig withDescriptors(List<DescriptorLimit> limits) {
        return new LocalRateLimitConfig(statPrefix, tokenBucket, filterEnabled, filterEnforced, status, limits, stage,
                perConnection, xRateLimitHeaders, virtualHostRateLimits, alwaysConsumeDefaultTokenBucket,
                rateLimitedAsResourceExhausted, rateLimits, maxDynamicDescriptors, responseHeadersToAdd,
                requestHeadersToAddWhenNotEnforced);
    }

    /**
     * True when requests need descriptors: Envoy builds them only for a filter with descriptor
     * limits, since without any no descriptor can match.
     */
    public boolean usesDescriptors() {
        return !descriptors.isEmpty();
    }

    /** The {@code grpc-status} of a refused gRPC call (its HTTP status is 200). */
    public int grpcStatus() {
        return rateLimitedAsResourceExhausted ? GRPC_RESOURCE_EXHAUSTED : GRPC_UNAVAILABLE;
    }
}
