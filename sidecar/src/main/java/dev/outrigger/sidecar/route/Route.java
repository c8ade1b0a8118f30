package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * One route of a virtual host: when its match holds, its action decides what happens.
 *
 * @param name the route's name ("" when unnamed)
 * @param match the criteria a request must satisfy
 * @param action forward, redirect or respond directly
 * @param headerRules header additions and removals of this route
 * @param filterConfigs this route's {@code typed_per_filter_config}
 * @param rateLimits the route action's {@code rate_limits} and {@code include_vh_rate_limits}
 */
public record Route(String name, RouteMatch match, RouteAction action, HeaderRules headerRules,
        FilterConfigs filterConfigs, RateLimitRules rateLimits) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(headerRules, "headerRules");
        Objects.requireNonNull(filterConfigs, "filterConfigs");
        Objects.requireNonNull(rateLimits, "rateLimits");
    }

    /** A route without rate-limit rules. */
    public Route(String name, RouteMatch match, RouteAction action, HeaderRules headerRules,
            FilterConfigs filterConfigs) {
        this(name, match, action, headerRules, filterConfigs, RateLimitRules.NONE);
    }

    /** A route without filter overrides. */
    public Route(String name, RouteMatch match, RouteAction action, HeaderRules headerRules) {
        this(name, match, action, headerRules, FilterConfigs.NONE);
    }

    /** A route without header rules. */
    public Route(String name, RouteMatch match, RouteAction action) {
        this(name, match, action, HeaderRules.NONE);
    }
}
