package dev.outrigger.sidecar.filter;

/**
 * A translated {@code http_filters} entry, ready to be built for a listener: its configuration
 * is checked; what it keeps at run time (counters, token buckets) is made by {@link #create}.
 */
@FunctionalInterface
public interface HttpFilterSpec {

    /** The filter for one listener configuration. */
    HttpFilter create(FilterEnvironment environment);
}
