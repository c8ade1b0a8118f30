package dev.outrigger.sidecar.filter;

/**
 * One HTTP filter of a connection manager, built once per listener configuration and shared by
 * all of its event loops: it must be thread-safe and never block.
 */
public interface HttpFilter {

    /**
     * Decides on a request once its headers are in and its route is chosen, on the connection's
     * event loop, before the route's action runs.
     *
     * @param request the request, its connection and the caller's identity
     * @param perRoute the most specific {@code typed_per_filter_config} for this filter (route,
     *     then virtual host, then route configuration), as the filter's translator made it, or null
     * @return {@link FilterResult#CONTINUE} to go on with the next filter, or a reply
     */
    FilterResult onRequest(FilterContext request, Object perRoute);
}
