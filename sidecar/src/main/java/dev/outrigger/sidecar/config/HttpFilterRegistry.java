package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.filter.HttpFilterSpec;
import dev.outrigger.sidecar.route.FilterConfigs;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HTTP filters Outrigger implements, by the full name of their {@code typed_config} message
 * (Envoy chooses a filter's implementation by that type; the name is the entry's own), and the
 * per-route overrides each accepts in {@code typed_per_filter_config}.
 */
final class HttpFilterRegistry {

    /** Translates one {@code http_filters} entry's {@code typed_config}. */
    @FunctionalInterface
    interface FilterTranslator {
        HttpFilterSpec translate(String name, Any typedConfig, FieldPath path) throws ResourceInvalidException;
    }

    /** Translates one {@code typed_per_filter_config} value into what the filter reads per route. */
    @FunctionalInterface
    interface PerRouteTranslator {
        Object translate(Any typedConfig, FieldPath path) throws ResourceInvalidException;
    }

    private static final Map<String, FilterTranslator> FILTERS = new LinkedHashMap<>();
    private static final Map<String, PerRouteTranslator> PER_ROUTE = new LinkedHashMap<>();

    static {
        HttpFilters.register();
    }

    private HttpFilterRegistry() {
    }

    /** Makes the filter whose {@code typed_config} is a {@code typeName} known. */
    static void filter(String typeName, FilterTranslator translator) {
        FILTERS.put(typeName, translator);
    }

    /** Makes {@code typeName} known as a per-route override. */
    static void perRoute(String typeName, PerRouteTranslator translator) {
        PER_ROUTE.put(typeName, translator);
    }

    /** The translator of filters configured with {@code typeName}, or null for a filter Outrigger lacks. */
    static FilterTranslator filter(String typeName) {
        return FILTERS.get(typeName);
    }

    /** The full names of the filter configuration types Outrigger implements, sorted. */
    static String known() {
        return String.join(", ", new TreeSet<>(FILTERS.keySet()));
    }

    /**
     * Translates a {@code typed_per_filter_config} map. A value may be the filter's own per-route
     * type, or a {@code FilterConfig} wrapping one ({@code disabled: true} turns the filter off
     * on the route; {@code is_optional: true} lets an unknown type be ignored).
     */
    static FilterConfigs perRouteConfigs(Map<String, Any> configs, FieldPath path) throws ResourceInvalidException {
        if (configs.isEmpty()) {
            return FilterConfigs.NONE;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : new TreeSet<>(configs.keySet())) {
            FieldPath at = path.key(name);
            Any any = configs.get(name);
            boolean optional = false;
            if (any.is(FilterConfig.class)) {
                FilterConfig wrapper = ConfigValues.unpack(any, FilterConfig.class, at);
                FieldCheck.only(wrapper, at, "config", "is_optional", "disabled");
                if (wrapper.getDisabled()) {
                    out.put(name, FilterConfigs.DISABLED);
                    continue;
                }
                if (!wrapper.hasConfig()) {
                    throw at.field("config").invalid("required unless disabled is true");
                }
                optional = wrapper.getIsOptional();
                any = wrapper.getConfig();
                at = at.field("config");
            }
            PerRouteTranslator translator = PER_ROUTE.get(ConfigValues.typeName(any));
            if (translator == null) {
                if (optional) {
                    continue;
                }
                throw at.invalid(ConfigValues.typeName(any) + " is not a per-route configuration of a filter Outrigger "
                        + "implements" + (PER_ROUTE.isEmpty() ? "" : " (known: " + String.join(", ",
                        new TreeSet<>(PER_ROUTE.keySet())) + ")"));
            }
            out.put(name, translator.translate(any, at));
        }
        return new FilterConfigs(out);
    }
}
