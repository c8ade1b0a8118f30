package dev.outrigger.sidecar.route;

import java.util.Map;

/**
 * A route's, virtual host's or route configuration's {@code typed_per_filter_config}: per HTTP
 * filter name, the override its translator made. {@link #DISABLED} turns the filter off
 * ({@code FilterConfig} with {@code disabled: true}).
 *
 * @param byFilter the overrides by filter name
 */
public record FilterConfigs(Map<String, Object> byFilter) {

    /** No override. */
    public static final FilterConfigs NONE = new FilterConfigs(Map.of());

    /** The override that skips the filter on this route. */
    public static final Object DISABLED = new Object() {
        @Override
        public String toString() {
            return "disabled";
        }
    };

    public FilterConfigs {
        byFilter = Map.copyOf(byFilter);
    }

    /** The override for {@code filter}, or null. */
    public Object get(String filter) {
        return byFilter.isEmpty() ? null : byFilter.get(filter);
    }

    /** Whether there is no override at all. */
    public boolean isEmpty() {
        return byFilter.isEmpty();
    }
}
