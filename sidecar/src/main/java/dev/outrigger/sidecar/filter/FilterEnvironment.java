package dev.outrigger.sidecar.filter;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What a filter is built with: where it runs and where its decisions are counted.
 *
 * @param listener the listener's name (a metric tag)
 * @param statPrefix the connection manager's {@code stat_prefix}
 * @param registry where counters go
 */
public record FilterEnvironment(String listener, String statPrefix, MeterRegistry registry) {

    public FilterEnvironment {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(registry, "registry");
    }
}
