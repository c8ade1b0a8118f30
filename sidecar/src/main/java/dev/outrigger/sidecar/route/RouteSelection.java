package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * The outcome of routing one request: the virtual host and route that matched, and the route
 * table's own header rules, so that all three levels can be applied in Envoy's order.
 *
 * @param virtualHost the matching virtual host
 * @param route the first matching route of that virtual host
 * @param routeTableHeaderRules the route table's header rules
 * @param mostSpecificHeaderMutationsWins the table's {@code most_specific_header_mutations_wins}
 * @param routeTableFilterConfigs the table's {@code typed_per_filter_config}
 */
public record RouteSelection(
        VirtualHost virtualHost,
        Route route,
        HeaderRules routeTableHeaderRules,
        boolean mostSpecificHeaderMutationsWins,
        FilterConfigs routeTableFilterConfigs) {

    public RouteSelection {
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(routeTableHeaderRules, "routeTableHeaderRules");
        Objects.requireNonNull(routeTableFilterConfigs, "routeTableFilterConfigs");
    }

    /** A selection without filter overrides at the table level. */
    public RouteSelection(VirtualHost virtualHost, Route route, HeaderRules routeTableHeaderRules,
            boolean mostSpecificHeaderMutationsWins) {
        this(virtualHost, route, routeTableHeaderRules, mostSpecificHeaderMutationsWins, FilterConfigs.NONE);
    }

    /**
     * The most specific {@code typed_per_filter_config} for the HTTP filter named {@code filter}:
     * the route's, else the virtual host's, else the route configuration's; null when none has
     * one. {@link FilterConfigs#DISABLED} means the filter is off here.
     */
    public Object filterConfig(String filter) {
        Object c = route.filterConfigs().get(filter);
        if (c == null) {
            c = virtualHost.filterConfigs().get(filter);
        }
        return c != null ? c : routeTableFilterConfigs.get(filter);
    }

    /** Whether any level has request header rules (when none has, applying them can be skipped). */
    public boolean changesRequestHeaders() {
        return !route.headerRules().request().isEmpty() || !virtualHost.headerRules().request().isEmpty()
                || !routeTableHeaderRules.request().isEmpty();
    }

    /** Whether any level has response header rules. */
    public boolean changesResponseHeaders() {
        return !route.headerRules().response().isEmpty() || !virtualHost.headerRules().response().isEmpty()
                || !routeTableHeaderRules.response().isEmpty();
    }

    /**
     * Applies the request header rules of route, virtual host and route table. Like Envoy, the
     * route's are applied first and the table's last, so with an overwrite the outer level wins;
     * {@code most_specific_header_mutations_wins} reverses the order so the route wins.
     */
    public void applyRequestHeaders(MutableHeaders headers, HeaderContext ctx) {
        apply(route.headerRules().request(), virtualHost.headerRules().request(),
                routeTableHeaderRules.request(), headers, ctx);
    }

    /** Applies the response header rules of the three levels, in the same order as the request's. */
    public void applyResponseHeaders(MutableHeaders headers, HeaderContext ctx) {
        apply(route.headerRules().response(), virtualHost.headerRules().response(),
                routeTableHeaderRules.response(), headers, ctx);
    }

    private void apply(HeaderMutations routeLevel, HeaderMutations virtualHostLevel, HeaderMutations tableLevel,
            MutableHeaders headers, HeaderContext ctx) {
        if (mostSpecificHeaderMutationsWins) {
            tableLevel.apply(headers, ctx);
            virtualHostLevel.apply(headers, ctx);
            routeLevel.apply(headers, ctx);
        } else {
            routeLevel.apply(headers, ctx);
            virtualHostLevel.apply(headers, ctx);
            tableLevel.apply(headers, ctx);
        }
    }
}
