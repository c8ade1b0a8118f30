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
    }

    static void registerNetwork() {
        NetworkFilterRegistry.filter(
                io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor().getFullName(),
                (name, any, path) -> {
                    var config = RbacTranslator.networkFilter(any, path);
                    return environment -> new dev.outrigger.sidecar.filter.RbacNetworkFilter(name, config, environment);
                });
    }
}
