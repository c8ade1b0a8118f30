package dev.outrigger.sidecar.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A set of domains and the routes that serve them, as Envoy's {@code VirtualHost}.
 *
 * @param name the virtual host's name
 * @param domains lower-cased domain patterns: {@code example.com}, {@code *.example.com},
 *     {@code foo.*} or {@code *}
 * @param routes routes in order; the first that matches wins
 * @param headerRules header additions and removals of this virtual host
 * @param filterConfigs this virtual host's {@code typed_per_filter_config}
 * @param rateLimits this virtual host's {@code rate_limits}
 */
public record VirtualHost(String name, List<String> domains, List<Route> routes, HeaderRules headerRules,
        FilterConfigs filterConfigs, RateLimitRules rateLimits) {

    public VirtualHost {
        Objects.requireNonNull(name, "name");
        List<String> lower = new ArrayList<>(domains.size());
        for (String d : domains) {
            lower.add(d.toLowerCase(Locale.ROOT));
        }
        domains = List.copyOf(lower);
        routes = List.copyOf(routes);
        Objects.requireNonNull(headerRules, "headerRules");
        Objects.requireNonNull(filterConfigs, "filterConfigs");
        Objects.requireNonNull(rateLimits, "rateLimits");
    }

    /** A virtual host without rate-limit rules. */
    public VirtualHost(String name, List<String> domains, List<Route> routes, HeaderRules headerRules,
            FilterConfigs filterConfigs) {
        this(name, domains, routes, headerRules, filterConfigs, RateLimitRules.NONE);
    }

    /** A virtual host without filter overrides. */
    public VirtualHost(String name, List<String> domains, List<Route> routes, HeaderRules headerRules) {
        this(name, domains, routes, headerRules, FilterConfigs.NONE);
    }

    /** A virtual host without header rules. */
    public VirtualHost(String name, List<String> domains, List<Route> routes) {
        this(name, domains, routes, HeaderRules.NONE);
    }
}
