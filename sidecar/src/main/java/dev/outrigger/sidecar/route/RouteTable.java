package dev.outrigger.sidecar.route;

/** A route configuration: virtual hosts and their routes. (Being built: see the route package work.) */
public record RouteTable(String name) {
}
