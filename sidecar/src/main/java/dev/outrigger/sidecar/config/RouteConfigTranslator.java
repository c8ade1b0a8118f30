package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.route.HeaderRules;
import dev.outrigger.sidecar.route.RateLimitRules;
import dev.outrigger.sidecar.route.Route;
import dev.outrigger.sidecar.route.RouteAction;
import dev.outrigger.sidecar.route.RouteMatch;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.route.VirtualHost;
import dev.outrigger.sidecar.route.VirtualHostIndex;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates Envoy's {@code RouteConfiguration} into a {@link RouteTable}. Every field is either
 * translated or rejected with its path ({@link FieldCheck}); none is ignored.
 */
public final class RouteConfigTranslator {

    private static final String[] HEADER_LISTS = {"request_headers_to_add", "request_headers_to_remove",
        "response_headers_to_add", "response_headers_to_remove"};

    private RouteConfigTranslator() {
    }

    /**
     * Translates {@code config} found at {@code path}.
     *
     * @throws ResourceInvalidException naming the first unsupported or invalid field
     */
    public static RouteTable translate(RouteConfiguration config, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(config, path,
                with(HEADER_LISTS, "name", "virtual_hosts", "most_specific_header_mutations_wins",
                        "typed_per_filter_config"));
        List<VirtualHost> virtualHosts = new ArrayList<>();
        // where each domain was first seen, for an error that names both places
        Map<String, FieldPath> domainOwners = new HashMap<>();
        for (int i = 0; i < config.getVirtualHostsCount(); i++) {
            FieldPath at = path.field("virtual_hosts").index(i);
            virtualHosts.add(virtualHost(config.getVirtualHosts(i), at, domainOwners));
        }
        HeaderRules rules = HeaderRulesTranslator.translate(config.getRequestHeadersToAddList(),
                config.getRequestHeadersToRemoveList(), config.getResponseHeadersToAddList(),
                config.getResponseHeadersToRemoveList(), path);
        return new RouteTable(config.getName(), virtualHosts, rules, config.getMostSpecificHeaderMutationsWins(),
                HttpFilterRegistry.perRouteConfigs(config.getTypedPerFilterConfigMap(),
                        path.field("typed_per_filter_config")));
    }

    private static VirtualHost virtualHost(io.envoyproxy.envoy.config.route.v3.VirtualHost vh, FieldPath path,
            Map<String, FieldPath> domainOwners) throws ResourceInvalidException {
        FieldCheck.only(vh, path, with(HEADER_LISTS, "name", "domains", "routes", "typed_per_filter_config",
                "rate_limits"));
        if (vh.getName().isEmpty()) {
            throw path.field("name").invalid("must not be empty");
        }
        if (vh.getDomainsCount() == 0) {
            throw path.field("domains").invalid("at least one domain is required");
        }
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < vh.getDomainsCount(); i++) {
            FieldPath at = path.field("domains").index(i);
            String domain = vh.getDomains(i).toLowerCase(Locale.ROOT);
            String problem = VirtualHostIndex.domainProblem(domain);
            if (problem != null) {
                throw at.invalid(problem);
            }
            FieldPath owner = domainOwners.putIfAbsent(domain, at);
            if (owner != null) {
                throw at.invalid(domain.equals("*")
                        ? "only one wildcard domain \"*\" is allowed in a route configuration; it is already at "
                                + owner
                        : "domain \"" + domain + "\" is already used at " + owner
                                + "; a domain may appear only once in a route configuration");
            }
            domains.add(domain);
        }
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < vh.getRoutesCount(); i++) {
            routes.add(route(vh.getRoutes(i), path.field("routes").index(i)));
        }
        HeaderRules rules = HeaderRulesTranslator.translate(vh.getRequestHeadersToAddList(),
                vh.getRequestHeadersToRemoveList(), vh.getResponseHeadersToAddList(),
                vh.getResponseHeadersToRemoveList(), path);
        return new VirtualHost(vh.getName(), domains, routes, rules, HttpFilterRegistry.perRouteConfigs(
                vh.getTypedPerFilterConfigMap(), path.field("typed_per_filter_config")),
                vh.getRateLimitsCount() == 0 ? RateLimitRules.NONE : new RateLimitRules(
                        RateLimitActionsTranslator.translate(vh.getRateLimitsList(), path.field("rate_limits")), false));
    }

    private static Route route(io.envoyproxy.envoy.config.route.v3.Route route, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(route, path, with(HEADER_LISTS, "name", "match", "route", "redirect", "direct_response",
                "typed_per_filter_config"));
        if (!route.hasMatch()) {
            throw path.field("match").invalid("is required");
        }
        RouteMatch match = RouteMatchTranslator.translate(route.getMatch(), path.field("match"));
        RouteAction action = switch (route.getActionCase()) {
            case ROUTE -> RouteActionTranslator.forward(route.getRoute(), match.path(), path.field("route"));
            case REDIRECT -> RouteActionTranslator.redirect(route.getRedirect(), match.path(), path.field("redirect"));
            case DIRECT_RESPONSE -> RouteActionTranslator.directResponse(route.getDirectResponse(),
                    path.field("direct_response"));
            default -> throw path.invalid("one of route, redirect or direct_response is required");
        };
        HeaderRules rules = HeaderRulesTranslator.translate(route.getRequestHeadersToAddList(),
                route.getRequestHeadersToRemoveList(), route.getResponseHeadersToAddList(),
                route.getResponseHeadersToRemoveList(), path);
        RateLimitRules rateLimits = RateLimitRules.NONE;
        if (route.hasRoute() && (route.getRoute().getRateLimitsCount() > 0 || route.getRoute().hasIncludeVhRateLimits())) {
            rateLimits = new RateLimitRules(RateLimitActionsTranslator.translate(route.getRoute().getRateLimitsList(),
                    path.field("route").field("rate_limits")), route.getRoute().getIncludeVhRateLimits().getValue());
        }
        return new Route(route.getName(), match, action, rules, HttpFilterRegistry.perRouteConfigs(
                route.getTypedPerFilterConfigMap(), path.field("typed_per_filter_config")), rateLimits);
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
