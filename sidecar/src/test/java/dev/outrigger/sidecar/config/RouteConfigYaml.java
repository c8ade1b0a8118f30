package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

/** Builds {@code RouteConfiguration}s from YAML the way operators write them, and translates them. */
final class RouteConfigYaml {

    /** Where an HTTP connection manager's inline route_config sits in a bootstrap file. */
    static final String BASE = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config";

    private RouteConfigYaml() {
    }

    static RouteConfiguration parse(String yaml) throws Exception {
        String json = new YAMLMapper().readTree(yaml).toString();
        RouteConfiguration.Builder builder = RouteConfiguration.newBuilder();
        JsonFormat.parser().merge(json, builder);
        return builder.build();
    }

    static RouteTable translate(String yaml) throws Exception {
        return RouteConfigTranslator.translate(parse(yaml), FieldPath.of(BASE));
    }

    /** The error message for {@code yaml}, with {@link #BASE} shown as "~". */
    static String error(String yaml) throws Exception {
        RouteConfiguration config = parse(yaml);
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RouteConfigTranslator.translate(config, FieldPath.of(BASE)));
        assertEquals(e.getMessage(), e.path() + ": " + e.reason());
        return e.getMessage().startsWith(BASE) ? "~" + e.getMessage().substring(BASE.length()) : e.getMessage();
    }

    /** A configuration with one virtual host for "*" holding {@code routes} (a YAML list). */
    static String vhost(String routes) {
        return "virtual_hosts:\n- name: v\n  domains: [\"*\"]\n  routes:\n" + routes.indent(2);
    }
}
