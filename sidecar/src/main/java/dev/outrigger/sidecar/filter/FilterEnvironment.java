package dev.outrigger.sidecar.filter;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a filter is built with: where it runs, where its decisions are counted, the process's
 * services, and where to hand what must be closed once the listener configuration it belongs to
 * is no longer used (its connections drained).
 *
 * @param listener the listener's name (a metric tag)
 * @param statPrefix the connection manager's {@code stat_prefix}
 * @param registry where counters go
 * @param services what the filter may share with the process
 * @param closeWhenRetired takes a resource the filter opened (a client of another service); it is
 *     closed, off the event loops, after the last connection of the listener configuration closed
 */
public record FilterEnvironment(String listener, String statPrefix, MeterRegistry registry, FilterServices services,
        Consumer<AutoCloseable> closeWhenRetired) {

    public FilterEnvironment {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(closeWhenRetired, "closeWhenRetired");
    }
}
