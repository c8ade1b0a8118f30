package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.route.FilterConfigs;
import dev.outrigger.sidecar.route.RouteSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The HTTP filters of one connection manager of one listener configuration, built once and run
 * for every request in {@code http_filters} order until one replies.
 */
public final class HttpFilterChain {

    /** A connection manager with no filter but the router. */
    public static final HttpFilterChain EMPTY = new HttpFilterChain(List.of(), List.of());

    private final String[] names;
    private final HttpFilter[] filters;

    private HttpFilterChain(List<String> names, List<HttpFilter> filters) {
        this.names = names.toArray(new String[0]);
        this.filters = filters.toArray(new HttpFilter[0]);
    }

    /** Builds every filter of {@code configs} for one listener. */
    public static HttpFilterChain build(List<HttpFilterConfig> configs, FilterEnvironment environment) {
        if (configs.isEmpty()) {
            return EMPTY;
        }
        List<String> names = new ArrayList<>(configs.size());
        List<HttpFilter> filters = new ArrayList<>(configs.size());
        for (HttpFilterConfig c : configs) {
            names.add(c.name());
            filters.add(c.spec().create(environment));
        }
        return new HttpFilterChain(names, filters);
    }

    /** Whether there is nothing to run (the request goes straight to its route's action). */
    public boolean isEmpty() {
        return filters.length == 0;
    }

    /**
     * Runs the filters on a request; the first reply ends the run. A filter turned off on the
     * route ({@link FilterConfigs#DISABLED}) is skipped. When a filter decides later, the result
     * is a {@link FilterResult.Pending} whose completion runs the rest of the chain on
     * {@code request}'s event loop.
     *
     * @param route the request's route, or null when none matched (no per-route configuration then)
     */
    public FilterResult run(FilterContext request, RouteSelection route) {
        return runFrom(0, request, route);
    }

    private FilterResult runFrom(int start, FilterContext request, RouteSelection route) {
        for (int i = start; i < filters.length; i++) {
            Object perRoute = route == null ? null : route.filterConfig(names[i]);
            if (perRoute == FilterConfigs.DISABLED) {
                continue;
            }
            FilterResult result = filters[i].onRequest(request, perRoute);
            if (result instanceof FilterResult.Pending pending) {
                int next = i + 1;
                return new FilterResult.Pending(pending.result().thenComposeAsync(
                        done -> done == FilterResult.CONTINUE ? stage(runFrom(next, request, route))
                                : CompletableFuture.completedFuture(done), request.executor()));
            }
            if (result != FilterResult.CONTINUE) {
                return result;
            }
        }
        return FilterResult.CONTINUE;
    }

    private static CompletionStage<FilterResult> stage(FilterResult result) {
        return result instanceof FilterResult.Pending pending ? pending.result()
                : CompletableFuture.completedFuture(result);
    }
}
