package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

/** Translates Envoy's {@code RouteConfiguration} into a {@link RouteTable}. (Being built.) */
public final class RouteConfigTranslator {

    private RouteConfigTranslator() {
    }

    /** Translates {@code config} found at {@code path}. */
    public static RouteTable translate(RouteConfiguration config, FieldPath path) throws ResourceInvalidException {
        throw path.invalid("route_config translation is being built");
    }
}
