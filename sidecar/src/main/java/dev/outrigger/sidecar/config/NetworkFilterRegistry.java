package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.filter.FilterEnvironment;
import dev.outrigger.sidecar.filter.NetworkFilter;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The network filters Outrigger runs before a chain's HTTP connection manager or TCP proxy, by
 * the full name of their {@code typed_config} message.
 */
final class NetworkFilterRegistry {

    /** Translates one network filter's {@code typed_config}. */
    @FunctionalInterface
    interface Translator {
        Function<FilterEnvironment, NetworkFilter> translate(String name, Any typedConfig, FieldPath path)
                throws ResourceInvalidException;
    }

    private static final Map<String, Translator> FILTERS = new LinkedHashMap<>();

    static {
        HttpFilters.registerNetwork();
    }

    private NetworkFilterRegistry() {
    }

    /** Makes the network filter configured with a {@code typeName} known. */
    static void filter(String typeName, Translator translator) {
        FILTERS.put(typeName, translator);
    }

    /** The translator for {@code typeName}, or null. */
    static Translator filter(String typeName) {
        return FILTERS.get(typeName);
    }

    /** The full names of the types known, sorted. */
    static String known() {
        return String.join(", ", new TreeSet<>(FILTERS.keySet()));
    }
}
