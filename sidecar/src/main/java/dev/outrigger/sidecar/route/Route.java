package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * One route of a virtual host: when its match holds, its action decides what happens.
 *
 * @param name the route's name ("" when unnamed)
 * @param match the criteria a request must satisfy
 * @param action forward, redirect or respond directly
 * @param headerRules header additions and removals of this route
 */
public record Route(String name, RouteMatch match, RouteAction action, HeaderRules headerRules) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(headerRules, "headerRules");
    }

    /** A route without header rules. */
    public Route(String name, RouteMatch match, RouteAction action) {
        this(name, match, action, HeaderRules.NONE);
    }
}
