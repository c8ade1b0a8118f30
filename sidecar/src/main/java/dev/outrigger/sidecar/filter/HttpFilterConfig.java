package dev.outrigger.sidecar.filter;

import java.util.Objects;

/**
 * One entry of a connection manager's {@code http_filters} that Outrigger runs (the router
 * excepted: it is the route's action).
 *
 * @param name the entry's name: {@code typed_per_filter_config} keys refer to it
 * @param typeName the full name of its {@code typed_config} message, for logs and dumps
 * @param spec how to build it
 */
public record HttpFilterConfig(String name, String typeName, HttpFilterSpec spec) {

    public HttpFilterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(spec, "spec");
    }
}
