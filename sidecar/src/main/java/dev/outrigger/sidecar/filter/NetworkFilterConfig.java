package dev.outrigger.sidecar.filter;

import java.util.Objects;
import java.util.function.Function;

/**
 * One network filter of a filter chain, before its terminal filter.
 *
 * @param name the entry's name
 * @param typeName the full name of its {@code typed_config} message
 * @param spec how to build it for a listener
 */
public record NetworkFilterConfig(String name, String typeName, Function<FilterEnvironment, NetworkFilter> spec) {

    public NetworkFilterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(spec, "spec");
    }
}
