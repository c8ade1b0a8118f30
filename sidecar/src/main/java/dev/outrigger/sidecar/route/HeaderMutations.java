package dev.outrigger.sidecar.route;

import java.util.List;

/**
 * The header removals and additions of one level (route, virtual host or route table) for one
 * direction (request or response).
 *
 * @param removals lower-case names removed first ({@code *_headers_to_remove})
 * @param additions headers added after the removals ({@code *_headers_to_add})
 */
public record HeaderMutations(List<String> removals, List<HeaderAddition> additions) {

    /** No changes. */
    public static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of());

    public HeaderMutations {
        removals = List.copyOf(removals);
        additions = List.copyOf(additions);
        for (String name : removals) {
            String problem = HeaderNames.notModifiableReason(name);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** True when this level changes nothing. */
    public boolean isEmpty() {
        return removals.isEmpty() && additions.isEmpty();
    }

    /**
     * Applies this level as Envoy does: removals first; then every addition is decided against
     * the headers as they are after the removals (so conditions such as ADD_IF_ABSENT do not see
     * the other additions of this level), then all overwrites are applied, then all appends.
     */
    public void apply(MutableHeaders headers, HeaderContext ctx) {
        for (int i = 0; i < removals.size(); i++) {
            headers.remove(removals.get(i));
        }
        int n = additions.size();
        if (n == 0) {
            return;
        }
        String[] values = new String[n];
        boolean[] overwrite = new boolean[n];
        for (int i = 0; i < n; i++) {
            HeaderAddition a = additions.get(i);
            String value = a.value().render(ctx);
            if (value.isEmpty() && !a.keepEmptyValue()) {
                continue;
            }
            switch (a.action()) {
                case APPEND_IF_EXISTS_OR_ADD -> values[i] = value;
                case ADD_IF_ABSENT -> values[i] = headers.contains(a.name()) ? null : value;
                case OVERWRITE_IF_EXISTS_OR_ADD -> {
                    values[i] = value;
                    overwrite[i] = true;
                }
                case OVERWRITE_IF_EXISTS -> {
                    values[i] = headers.contains(a.name()) ? value : null;
                    overwrite[i] = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (values[i] != null && overwrite[i]) {
                headers.set(additions.get(i).name(), values[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            if (values[i] != null && !overwrite[i]) {
                headers.add(additions.get(i).name(), values[i]);
            }
        }
    }
}
