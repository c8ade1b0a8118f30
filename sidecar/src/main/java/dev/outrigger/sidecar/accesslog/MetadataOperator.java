package dev.outrigger.sidecar.accesslog;

import java.util.Map;

/**
 * {@code %DYNAMIC_METADATA(NAMESPACE:KEY*):Z%}: a value a filter recorded, found by namespace and
 * a path of keys. A string prints as itself, anything else (a namespace, a nested map) as JSON.
 * In a JSON format the value keeps its type and {@code :Z} does not apply, as in Envoy.
 */
final class MetadataOperator extends Operator {

    private final String namespace;
    private final String[] keys;

    private MetadataOperator(String namespace, String[] keys, int maxLength) {
        super(maxLength);
        this.namespace = namespace;
        this.keys = keys;
    }

    /** Compiles the argument {@code NAMESPACE} or {@code NAMESPACE:KEY[:KEY...]}. */
    static MetadataOperator of(String argument, int maxLength) throws InvalidFormatException {
        if (argument == null || argument.isEmpty()) {
            throw new InvalidFormatException("%DYNAMIC_METADATA% needs a namespace, e.g. "
                    + "%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%");
        }
        String[] parts = argument.split(":", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new InvalidFormatException("%DYNAMIC_METADATA(" + argument
                        + ")% has an empty namespace or key");
            }
        }
        String[] keys = new String[parts.length - 1];
        System.arraycopy(parts, 1, keys, 0, keys.length);
        return new MetadataOperator(parts[0], keys, maxLength);
    }

    private Object lookup(AccessLogEntry e) {
        if (e.metadata == null) {
            return null;
        }
        Object value = e.metadata.get(namespace);
        for (String key : keys) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value;
    }

    @Override
    boolean append(AccessLogEntry e, StringBuilder out) {
        Object value = lookup(e);
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            out.append(s);
        } else {
            Json.appendValue(value, out);
        }
        return true;
    }

    @Override
    boolean appendJson(AccessLogEntry e, StringBuilder out) {
        Object value = lookup(e);
        if (value == null) {
            return false;
        }
        Json.appendValue(value, out);
        return true;
    }
}
