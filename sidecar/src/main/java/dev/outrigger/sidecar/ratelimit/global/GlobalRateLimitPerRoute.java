package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import java.util.List;
import java.util.Objects;

/**
 * A route's or virtual host's override of the global rate limit filter, from Envoy's
 * {@code envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute}.
 *
 * @param domain the domain to use instead of the filter's ({@code domain}); "" keeps the filter's
 * @param virtualHostRateLimits whether the virtual host's {@code rate_limits} count ({@code vh_rate_limits})
 * @param rateLimits the rules to use instead of the route's and virtual host's ({@code rate_limits});
 *     when there are any, those are ignored. Every rule applies whatever the filter's stage, as in Envoy
 */
public record GlobalRateLimitPerRoute(String domain, VirtualHostRateLimits virtualHostRateLimits,
        List<RateLimitRule> rateLimits) {

    public GlobalRateLimitPerRoute {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(virtualHostRateLimits, "virtualHostRateLimits");
        rateLimits = List.copyOf(rateLimits);
    }

    /** The domain of a call for this route: this override's, else {@code filterDomain}. */
    public String domainOr(String filterDomain) {
        return domain.isEmpty() ? filterDomain : domain;
    }
}
