package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * A route configuration delivered by RDS, shared by every connection manager that names it.
 * Until its first version arrives it holds an empty table (every request gets 404, as in
 * Envoy); each update publishes a new immutable table with one volatile write.
 */
public final class DynamicRoutes implements RouteSource {

    private final String name;
    private volatile RouteTable table;
    private volatile boolean arrived;

    /** A source for the route configuration {@code name}, empty until {@link #publish}. */
    public DynamicRoutes(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.table = new RouteTable(name);
    }

    /** The route configuration's name. */
    public String name() {
        return name;
    }

    @Override
    public RouteTable current() {
        return table;
    }

    /** Whether a version has arrived (or the wait for one was given up). */
    public boolean arrived() {
        return arrived;
    }

    /** Makes {@code next} the table of every request that starts from now on. */
    public void publish(RouteTable next) {
        table = Objects.requireNonNull(next, "next");
        arrived = true;
    }

    /** The configuration does not exist: requests get the empty table, and listeners stop waiting for it. */
    public void markMissing() {
        table = new RouteTable(name);
        arrived = true;
    }
}
