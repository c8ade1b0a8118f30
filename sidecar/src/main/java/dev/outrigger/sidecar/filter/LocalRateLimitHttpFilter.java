package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.ratelimit.Decision;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.LocalRateLimiter;
import dev.outrigger.sidecar.ratelimit.RateLimitHeaders;
import dev.outrigger.sidecar.route.HeaderContext;
import dev.outrigger.sidecar.route.MutableHeaders;
import dev.outrigger.sidecar.route.RateLimitRules;
import dev.outrigger.sidecar.route.RouteSelection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's HTTP local rate limit filter: token buckets shared by every event loop of the listener
 * (or kept per downstream connection), the default one and one per descriptor the route's
 * {@code rate_limits} produce. A limited request is refused with the configured status (429)
 * and {@code x-outrigger-error: local_rate_limited}, {@code x-envoy-ratelimited: true},
 * {@code retry-after} and, when enabled, {@code x-ratelimit-*}; a gRPC call gets UNAVAILABLE
 * (or RESOURCE_EXHAUSTED). A route's {@code LocalRateLimit} override has buckets of its own.
 */
public final class LocalRateLimitHttpFilter implements HttpFilter {

    /** Where a limited request's decision is recorded as dynamic metadata. */
    static final String NAMESPACE = "envoy.filters.http.local_ratelimit";

    private final LocalRateLimiter limiter;
    private final RateLimitStats stats;

    public LocalRateLimitHttpFilter(String name, LocalRateLimiter limiter, FilterEnvironment environment) {
        this.limiter = limiter;
        this.stats = new RateLimitStats(environment, name, limiter.config().statPrefix());
    }

    @Override
    public FilterResult onRequest(FilterContext request, Object perRoute) {
        LocalRateLimiter l = perRoute instanceof LocalRateLimiter override ? override : limiter;
        LocalRateLimitConfig config = l.config();
        if (config.perConnection()) {
            LocalRateLimiter shared = l;
            l = request.perConnection(shared, () -> new LocalRateLimiter(shared.config()));
        }
        RouteSelection route = request.route();
        List<Descriptor> descriptors = route == null ? List.of()
                : descriptors(l, request, route.route().rateLimits(), route.virtualHost().rateLimits());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Decision d = l.check(descriptors, random.nextDouble(), random.nextDouble());
        switch (d.outcome()) {
            case NOT_ENABLED -> {
                return FilterResult.CONTINUE;
            }
            case ALLOWED -> {
                stats.count(RateLimitStats.Outcome.OK, d.descriptor());
                RateLimitHeaders.addTo(new ResponseHeaders(request), config, d);
                return FilterResult.CONTINUE;
            }
            case LIMITED_NOT_ENFORCED -> {
                stats.count(RateLimitStats.Outcome.OVER_LIMIT_NOT_ENFORCED, d.descriptor());
                request.note(NAMESPACE, "decision", "over_limit_not_enforced");
                config.requestHeadersToAddWhenNotEnforced().apply(request.requestHeaders(), headerContext(request));
                RateLimitHeaders.addTo(new ResponseHeaders(request), config, d);
                return FilterResult.CONTINUE;
            }
            default -> {
                stats.count(RateLimitStats.Outcome.OVER_LIMIT, d.descriptor());
                request.note(NAMESPACE, "decision", "over_limit");
                return refusal(request, config, d);
            }
        }
    }

    private static List<Descriptor> descriptors(LocalRateLimiter l, FilterContext request, RateLimitRules routeRules,
            RateLimitRules virtualHostRules) {
        return l.descriptors(request, routeRules.rules(), virtualHostRules.rules(), routeRules.includeVirtualHost());
    }

    private static FilterResult refusal(FilterContext request, LocalRateLimitConfig config, Decision d) {
        dev.outrigger.sidecar.route.ListHeaders headers = new dev.outrigger.sidecar.route.ListHeaders();
        config.responseHeadersToAdd().apply(headers, headerContext(request));
        headers.set(RateLimitHeaders.RATE_LIMITED, "true");
        RateLimitHeaders.addTo(headers, config, d);
        if (d.bucket() != null) {
            // When a token comes back: what a well-behaved client waits before trying again.
            headers.set("retry-after", Long.toString(Math.max(1, d.resetSeconds())));
        }
        return new FilterResult.Reply(config.status(), "local_rate_limited", "local_rate_limited", config.grpcStatus(),
                headers.entries());
    }

    private static HeaderContext headerContext(FilterContext request) {
        return new HeaderContext(request.directRemote().getAddress().getHostAddress() + ":"
                + request.directRemote().getPort(), request.local().getAddress().getHostAddress() + ":"
                + request.local().getPort(), null, null);
    }

    /** Headers for the response, whoever sends it. */
    private record ResponseHeaders(FilterContext request) implements MutableHeaders {
        @Override
        public String get(String name) {
            return null;
        }

        @Override
        public boolean contains(String name) {
            return false;
        }

        @Override
        public void add(String name, String value) {
            request.addResponseHeader(name, value);
        }

        @Override
        public void set(String name, String value) {
            request.addResponseHeader(name, value);
        }

        @Override
        public void remove(String name) {
            // nothing to remove from a response not yet written
        }
    }
}
