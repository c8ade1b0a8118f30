package dev.outrigger.sidecar.route;

/**
 * Where a connection manager finds its route table: an inline table is its own source; a table
 * delivered by RDS is a {@link DynamicRoutes} that RDS updates. A request asks once, at its start.
 */
@FunctionalInterface
public interface RouteSource {

    /** The route table to use for a request starting now. */
    RouteTable current();
}
