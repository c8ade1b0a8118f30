package dev.outrigger.sidecar.route;

import java.util.List;
import java.util.Objects;

/**
 * A route configuration, as Envoy's {@code RouteConfiguration}: virtual hosts, their routes,
 * and the table-wide header rules. Immutable; {@link #select} is the per-request decision.
 *
 * @param name the configuration's name ("" when unnamed)
 * @param virtualHosts the virtual hosts, indexed by domain
 * @param headerRules the table-level header rules
 * @param mostSpecificHeaderMutationsWins apply route-level header rules last instead of first
 * @param filterConfigs the configuration-wide {@code typed_per_filter_config}
 */
public record RouteTable(
        String name,
        VirtualHostIndex virtualHosts,
        HeaderRules headerRules,
        boolean mostSpecificHeaderMutationsWins,
        FilterConfigs filterConfigs) implements RouteSource {

    public RouteTable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(virtualHosts, "virtualHosts");
        Objects.requireNonNull(headerRules, "headerRules");
        Objects.requireNonNull(filterConfigs, "filterConfigs");
    }

    /** A table without filter overrides. */
    public RouteTable(String name, VirtualHostIndex virtualHosts, HeaderRules headerRules,
            boolean mostSpecificHeaderMutationsWins) {
        this(name, virtualHosts, headerRules, mostSpecificHeaderMutationsWins, FilterConfigs.NONE);
    }

    /**
     * Indexes {@code virtualHosts} into a table.
     *
     * @throws IllegalArgumentException when a domain is malformed or appears twice
     */
    public RouteTable(String name, List<VirtualHost> virtualHosts, HeaderRules headerRules,
            boolean mostSpecificHeaderMutationsWins) {
        this(name, VirtualHostIndex.of(virtualHosts), headerRules, mostSpecificHeaderMutationsWins);
    }

    /** Indexes {@code virtualHosts} into a table with configuration-wide filter overrides. */
    public RouteTable(String name, List<VirtualHost> virtualHosts, HeaderRules headerRules,
            boolean mostSpecificHeaderMutationsWins, FilterConfigs filterConfigs) {
        this(name, VirtualHostIndex.of(virtualHosts), headerRules, mostSpecificHeaderMutationsWins, filterConfigs);
    }

    /** An inline table is its own source. */
    @Override
    public RouteTable current() {
        return this;
    }

    /** A table without virtual hosts: it matches no request. */
    public RouteTable(String name) {
        this(name, List.of(), HeaderRules.NONE, false);
    }

    /** The first matching route of the matching virtual host, or null if none matches. */
    public RouteSelection select(RequestView request) {
        VirtualHost vh = virtualHosts.find(request.authority());
        if (vh == null) {
            return null;
        }
        String path = pathOf(request.pathAndQuery());
        List<Route> routes = vh.routes();
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            if (route.match().matches(request, path)) {
                return new RouteSelection(vh, route, headerRules, mostSpecificHeaderMutationsWins, filterConfigs);
            }
        }
        return null;
    }

    /** The path without query string or fragment, which is what Envoy's path matchers see. */
    static String pathOf(String pathAndQuery) {
        if (pathAndQuery == null) {
            return "";
        }
        for (int i = 0; i < pathAndQuery.length(); i++) {
            char c = pathAndQuery.charAt(i);
            if (c == '?' || c == '#') {
                return pathAndQuery.substring(0, i);
            }
        }
        return pathAndQuery;
    }
}
