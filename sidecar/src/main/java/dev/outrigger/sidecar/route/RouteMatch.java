package dev.outrigger.sidecar.route;

import java.util.List;
import java.util.Objects;

/**
 * The criteria of a route, as Envoy's {@code RouteMatch}: the path test and every header and
 * query parameter test must hold.
 *
 * @param path the test on the path without the query
 * @param headers tests on request headers, all required
 * @param queryParameters tests on query parameters, all required
 */
public record RouteMatch(PathMatcher path, List<HeaderMatcher> headers, List<QueryParameterMatcher> queryParameters) {

    public RouteMatch {
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        queryParameters = List.copyOf(queryParameters);
    }

    /** A match on the path alone. */
    public static RouteMatch path(PathMatcher path) {
        return new RouteMatch(path, List.of(), List.of());
    }

    /**
     * True when the request satisfies every criterion.
     *
     * @param request the request
     * @param path its path without query (computed once per request by the caller)
     */
    public boolean matches(RequestView request, String path) {
        if (!this.path.matches(path)) {
            return false;
        }
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.get(i).matches(request)) {
                return false;
            }
        }
        if (!queryParameters.isEmpty()) {
            String pathAndQuery = request.pathAndQuery();
            for (int i = 0; i < queryParameters.size(); i++) {
                if (!queryParameters.get(i).matches(pathAndQuery == null ? "" : pathAndQuery)) {
                    return false;
                }
            }
        }
        return true;
    }
}
