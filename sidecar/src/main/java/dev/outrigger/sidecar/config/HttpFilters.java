package dev.outrigger.sidecar.config;

/**
 * Registers every filter Outrigger implements: HTTP filters with the {@link HttpFilterRegistry},
 * network filters with the {@link NetworkFilterRegistry}.
 */
final class HttpFilters {

    private HttpFilters() {
    }

    static void register() {
        HttpFilterRegistry.filter(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor().getFullName(),
                (name, any, path) -> {
                    var config = RbacTranslator.httpFilter(any, path);
                    return environment -> new dev.outrigger.sidecar.filter.RbacHttpFilter(name, config, environment);
                });
        HttpFilterRegistry.perRoute(
                io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute.getDescriptor().getFullName(),
                RbacTranslator::perRouteConfig);
        String localRateLimit = io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                .getDescriptor().getFullName();
        HttpFilterRegistry.filter(localRateLimit, (name, any, path) -> {
            var config = LocalRateLimitTranslator.translate(any, path);
            // Buckets are made per listener configuration, when the filter is built for it.
            return environment -> new dev.outrigger.sidecar.filter.LocalRateLimitHttpFilter(name,
                    new dev.outrigger.sidecar.ratelimit.LocalRateLimiter(config), environment);
        });
        // A route's override has buckets of its own, made once with the route configuration.
        HttpFilterRegistry.perRoute(localRateLimit, (any, path) -> new dev.outrigger.sidecar.ratelimit.LocalRateLimiter(
                LocalRateLimitTranslator.translatePerRoute(any, path)));
        // Global limits: a client of the backend per listener configuration, closed when it retires.
        HttpFilterRegistry.filter(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.getDescriptor()
                .getFullName(), (name, any, path) -> globalRateLimit(name, GlobalRateLimitTranslator.translate(any, path)));
        HttpFilterRegistry.filter(dev.outrigger.proto.ratelimit.v1.RedisRateLimit.getDescriptor().getFullName(),
                (name, any, path) -> globalRateLimit(name, RedisRateLimitTranslator.translate(any, path)));
        HttpFilterRegistry.perRoute(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute
                .getDescriptor().getFullName(), GlobalRateLimitTranslator::translatePerRoute);
    }

    private static dev.outrigger.sidecar.filter.HttpFilterSpec globalRateLimit(String name,
            dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig config) {
        return environment -> dev.outrigger.sidecar.filter.GlobalRateLimitHttpFilter.create(name, config, environment);
    }

    static void registerNetwork() {
        NetworkFilterRegistry.filter(
                io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor().getFullName(),
                (name, any, path) -> {
                    var config = RbacTranslator.networkFilter(any, path);
                    return environment -> new dev.outrigger.sidecar.filter.RbacNetworkFilter(name, config, environment);
                });
        NetworkFilterRegistry.filter(io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit
                .getDescriptor().getFullName(), (name, any, path) -> {
                    var config = NetworkLocalRateLimitTranslator.translate(any, path);
                    return environment -> new dev.outrigger.sidecar.filter.LocalRateLimitNetworkFilter(name,
                            new dev.outrigger.sidecar.ratelimit.ConnectionRateLimiter(config), environment);
                });
    }
}
