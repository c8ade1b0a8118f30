package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.Descriptors;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitHeaders;
import dev.outrigger.sidecar.ratelimit.global.DescriptorStatus;
import dev.outrigger.sidecar.ratelimit.global.GlobalDecision;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitPerRoute;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitService;
import dev.outrigger.sidecar.ratelimit.global.HeaderValue;
import dev.outrigger.sidecar.ratelimit.global.RateLimitCode;
import dev.outrigger.sidecar.ratelimit.global.XRateLimitHeaders;
import dev.outrigger.sidecar.route.RouteSelection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Envoy's global rate limit HTTP filter ({@code envoy.extensions.filters.http.ratelimit.v3.RateLimit}),
 * and Outrigger's Redis variant: the request's descriptors come from the route's and virtual
 * host's {@code rate_limits} of the filter's {@code stage} (or a route's {@code RateLimitPerRoute}
 * rules); the {@link GlobalRateLimitService} decides, within its timeout, while the request waits
 * without holding its event loop.
 *
 * <ul>
 *   <li>Over limit: 429 with {@code x-outrigger-error: global_rate_limited},
 *       {@code x-envoy-ratelimited: true}, the service's response headers and, when enabled,
 *       {@code x-ratelimit-*}; the service's body if it sent one. A gRPC call gets UNAVAILABLE (or
 *       RESOURCE_EXHAUSTED).</li>
 *   <li>Allowed: the service's request headers are set on the forwarded request, its response
 *       headers and {@code x-ratelimit-*} added to the response.</li>
 *   <li>The service failed or timed out: the request goes on ({@code failure_mode_allowed}), or,
 *       with {@code failure_mode_deny}, is refused with {@code status_on_error} and
 *       {@code x-outrigger-error: rate_limit_service_error}.</li>
 * </ul>
 *
 * A request with no descriptor, or of a {@code request_type} the filter skips, is not sent.
 */
public final class GlobalRateLimitHttpFilter implements HttpFilter {

    /** The header that makes a request internal, for {@code request_type}. */
    static final String INTERNAL = "x-envoy-internal";
    /** Reason code of a request refused for being over a global limit. */
    public static final String OVER_LIMIT_CODE = "global_rate_limited";
    /** Reason code of a request refused because the service failed, with {@code failure_mode_deny}. */
    public static final String SERVICE_ERROR_CODE = "rate_limit_service_error";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GlobalRateLimitHttpFilter.class);
    private static final String NO_DESCRIPTOR = "none";

    private final String name;
    private final GlobalRateLimitConfig config;
    private final GlobalRateLimitService service;
    private final RateLimitStats stats;

    /** A filter asking {@code service}, which the caller closes. */
    public GlobalRateLimitHttpFilter(String name, GlobalRateLimitConfig config, GlobalRateLimitService service,
            FilterEnvironment environment) {
        this.name = name;
        this.config = config;
        this.service = service;
        this.stats = new RateLimitStats(environment, name, environment.statPrefix());
    }

    /** The filter for one listener configuration, with a backend client closed when that configuration retires. */
    public static GlobalRateLimitHttpFilter create(String name, GlobalRateLimitConfig config,
            FilterEnvironment environment) {
        return new GlobalRateLimitHttpFilter(name, config, GlobalRateLimitBackends.open(config, environment),
                environment);
    }

    @Override
    public FilterResult onRequest(FilterContext request, Object perRoute) {
        if (!config.requestType().appliesTo("true".equals(request.requestHeaders().get(INTERNAL)))) {
            return FilterResult.CONTINUE;
        }
        GlobalRateLimitPerRoute override = perRoute instanceof GlobalRateLimitPerRoute p ? p : null;
        List<Descriptor> descriptors = descriptors(request, override);
        if (descriptors.isEmpty()) {
            return FilterResult.CONTINUE;
        }
        String domain = override == null ? config.domain() : override.domainOr(config.domain());
        CompletableFuture<GlobalDecision> call;
        try {
            call = service.shouldRateLimit(domain, descriptors, 0);
        } catch (RuntimeException e) {
            return failed(descriptors, e);
        }
        // Headers and notes are the request's, touched on its event loop only.
        return new FilterResult.Pending(call.handleAsync(
                (decision, failure) -> failure != null ? failed(descriptors, failure) : decided(request, decision,
                        descriptors), request.executor()));
    }

    private List<Descriptor> descriptors(FilterContext request, GlobalRateLimitPerRoute override) {
        RouteSelection route = request.route();
        if (route == null) {
            return List.of();
        }
        if (override != null && !override.rateLimits().isEmpty()) {
            return Descriptors.of(override.rateLimits(), request);
        }
        var routeRules = route.route().rateLimits();
        VirtualHostRateLimits vh = routeRules.includeVirtualHost() ? VirtualHostRateLimits.INCLUDE
                : override != null ? override.virtualHostRateLimits() : VirtualHostRateLimits.OVERRIDE;
        return Descriptors.ofRoute(routeRules.rules(), route.virtualHost().rateLimits().rules(), vh, config.stage(),
                request);
    }

    private FilterResult decided(FilterContext request, GlobalDecision decision, List<Descriptor> descriptors) {
        XRateLimitHeaders limits = config.xRateLimitHeaders() ? XRateLimitHeaders.from(decision.statuses()) : null;
        if (decision.isOverLimit()) {
            stats.count(RateLimitStats.Outcome.OVER_LIMIT, label(overLimit(decision, descriptors)));
            List<Map.Entry<String, String>> headers = new ArrayList<>(4 + decision.responseHeadersToAdd().size());
            headers.add(Map.entry(RateLimitHeaders.RATE_LIMITED, "true"));
            for (HeaderValue h : decision.responseHeadersToAdd()) {
                headers.add(Map.entry(h.name(), h.value()));
            }
            if (limits != null) {
                headers.add(Map.entry(XRateLimitHeaders.LIMIT, limits.limit()));
                headers.add(Map.entry(XRateLimitHeaders.REMAINING, limits.remaining()));
                headers.add(Map.entry(XRateLimitHeaders.RESET, limits.reset()));
            }
            byte[] body = decision.rawBody();
            String text = body.length == 0 ? OVER_LIMIT_CODE : new String(body, StandardCharsets.UTF_8);
            return new FilterResult.Reply(GlobalRateLimitConfig.RATE_LIMITED_STATUS, OVER_LIMIT_CODE, text,
                    config.grpcStatus(), headers);
        }
        stats.count(RateLimitStats.Outcome.OK, label(descriptors.get(0)));
        for (HeaderValue h : decision.requestHeadersToAdd()) {
            request.requestHeaders().set(h.name(), h.value());
        }
        for (HeaderValue h : decision.responseHeadersToAdd()) {
            request.addResponseHeader(h.name(), h.value());
        }
        if (limits != null) {
            request.addResponseHeader(XRateLimitHeaders.LIMIT, limits.limit());
            request.addResponseHeader(XRateLimitHeaders.REMAINING, limits.remaining());
            request.addResponseHeader(XRateLimitHeaders.RESET, limits.reset());
        }
        return FilterResult.CONTINUE;
    }

    private FilterResult failed(List<Descriptor> descriptors, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        log.debug("filter {}: the rate limit service {} failed: {}", name, service, cause.toString());
        if (!config.failureModeDeny()) {
            stats.count(RateLimitStats.Outcome.FAILURE_MODE_ALLOWED, label(descriptors.get(0)));
            return FilterResult.CONTINUE;
        }
        stats.count(RateLimitStats.Outcome.ERROR, label(descriptors.get(0)));
        return new FilterResult.Reply(config.statusOnError(), SERVICE_ERROR_CODE, SERVICE_ERROR_CODE,
                grpcStatusOf(config.statusOnError()), List.of());
    }

    /** The first descriptor the service found over its limit (the first one when it said none). */
    private static Descriptor overLimit(GlobalDecision decision, List<Descriptor> descriptors) {
        List<DescriptorStatus> statuses = decision.statuses();
        for (int i = 0; i < statuses.size() && i < descriptors.size(); i++) {
            if (statuses.get(i).code() == RateLimitCode.OVER_LIMIT) {
                return descriptors.get(i);
            }
        }
        return descriptors.get(0);
    }

    /**
     * A descriptor's metric label: its keys, each with {@code =} and no value ({@code
     * remote_address=, path=}), since values come from requests and would make series without
     * bound. A key alone ({@code generic_key}'s {@code descriptor_value}) keeps its value.
     */
    static String label(Descriptor descriptor) {
        if (descriptor == null) {
            return NO_DESCRIPTOR;
        }
        StringBuilder out = new StringBuilder();
        for (DescriptorEntry e : descriptor.entries()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(e.key()).append('=');
            if (e.key().equals("generic_key")) {
                out.append(e.value());
            }
        }
        return out.toString();
    }

    /** The gRPC status Envoy gives a local reply of HTTP {@code status} (its {@code httpToGrpcStatus}). */
    static int grpcStatusOf(int status) {
        return switch (status) {
            case 400 -> 13; // INTERNAL
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 12; // UNIMPLEMENTED
            case 429, 502, 503, 504 -> 14; // UNAVAILABLE
            default -> 2; // UNKNOWN
        };
    }

    @Override
    public String toString() {
        return "global rate limit " + name + " (" + service + ")";
    }
}
