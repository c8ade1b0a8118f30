package dev.outrigger.sidecar.accesslog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envoy's {@code json_format}: one JSON object per line, compiled once. A value that is exactly
 * one command operator keeps its type: {@code %RESPONSE_CODE%}, {@code %DURATION%} and
 * {@code %BYTES_*%} are numbers, {@code %DYNAMIC_METADATA(...)%} its value's type, the rest
 * strings; a missing value is {@code null} (or the key is left out with
 * {@code omit_empty_values}). A value mixing text and operators is a string, with {@code -}
 * for a missing part. Keys are written sorted, nested objects included.
 */
public final class JsonFormat implements LogFormat {

    /** A compiled value: appends it, or returns false (having appended nothing) when it has none. */
    private interface Node {
        boolean append(AccessLogEntry entry, StringBuilder out, boolean omit);
    }

    private final Node root;
    private final boolean omitEmptyValues;
    private final String description;

    private JsonFormat(Node root, boolean omitEmptyValues, String description) {
        this.root = root;
        this.omitEmptyValues = omitEmptyValues;
        this.description = description;
    }

    /**
     * A JSON format from its fields. A value is a {@link Template} (a format string), a nested
     * {@code Map<String, ?>}, or a constant Number, Boolean or null.
     */
    public static JsonFormat of(Map<String, ?> fields, boolean omitEmptyValues) {
        Map<String, Object> described = new LinkedHashMap<>();
        Node root = object(fields, described);
        StringBuilder description = new StringBuilder();
        Json.appendValue(described, description);
        return new JsonFormat(root, omitEmptyValues, description.toString());
    }

    private static Node object(Map<String, ?> fields, Map<String, Object> described) {
        Map<String, ?> sorted = new TreeMap<>(fields);
        String[] keys = new String[sorted.size()];
        Node[] values = new Node[sorted.size()];
        int i = 0;
        for (Map.Entry<String, ?> field : sorted.entrySet()) {
            StringBuilder key = new StringBuilder();
            Json.appendString(field.getKey(), key);
            keys[i] = key.append(':').toString();
            values[i] = value(field.getKey(), field.getValue(), described);
            i++;
        }
        return (entry, out, omit) -> appendObject(keys, values, entry, out, omit);
    }

    @SuppressWarnings("unchecked")
    private static Node value(String key, Object value, Map<String, Object> described) {
        if (value instanceof Map<?, ?> nested) {
            Map<String, Object> inner = new LinkedHashMap<>();
            described.put(key, inner);
            return object((Map<String, ?>) nested, inner);
        }
        if (value instanceof Template template) {
            described.put(key, template.source());
            return template(template);
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            described.put(key, value);
            StringBuilder json = new StringBuilder();
            Json.appendValue(value, json);
            String constant = json.toString();
            return value == null ? (entry, out, omit) -> false : (entry, out, omit) -> {
                out.append(constant);
                return true;
            };
        }
        throw new IllegalArgumentException("JSON format value for \"" + key + "\" must be a Template, a Map, "
                + "a Number, a Boolean or null, got " + value.getClass().getSimpleName());
    }

    private static Node template(Template template) {
        Operator lone = template.lone();
        if (lone != null) {
            return (entry, out, omit) -> lone.appendJson(entry, out);
        }
        if (template.isConstant()) {
            StringBuilder json = new StringBuilder();
            template.appendText(null, json, "-");
            boolean empty = json.isEmpty();
            String constant = quoted(json);
            return (entry, out, omit) -> {
                if (omit && empty) {
                    return false;
                }
                out.append(constant);
                return true;
            };
        }
        return (entry, out, omit) -> {
            int start = out.length();
            out.append('"');
            template.appendText(entry, out, omit ? "" : "-");
            if (omit && out.length() == start + 1) {
                out.setLength(start);
                return false;
            }
            Json.escapeFrom(out, start + 1);
            out.append('"');
            return true;
        };
    }

    private static String quoted(CharSequence text) {
        StringBuilder out = new StringBuilder();
        Json.appendString(text, out);
        return out.toString();
    }

    private static boolean appendObject(String[] keys, Node[] values, AccessLogEntry entry, StringBuilder out,
            boolean omit) {
        int start = out.length();
        out.append('{');
        boolean any = false;
        for (int i = 0; i < keys.length; i++) {
            int mark = out.length();
            if (any) {
                out.append(',');
            }
            out.append(keys[i]);
            if (!values[i].append(entry, out, omit)) {
                if (omit) {
                    out.setLength(mark);
                    continue;
                }
                out.append("null");
            }
            any = true;
        }
        if (omit && !any) {
            out.setLength(start);
            return false;
        }
        out.append('}');
        return true;
    }

    @Override
    public void format(AccessLogEntry entry, StringBuilder out) {
        if (!root.append(entry, out, omitEmptyValues)) {
            out.append("{}");
        }
        out.append('\n');
    }

    /** Whether missing values leave their key out. */
    public boolean omitEmptyValues() {
        return omitEmptyValues;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonFormat j && j.description.equals(description) && j.omitEmptyValues == omitEmptyValues;
    }

    @Override
    public int hashCode() {
        return description.hashCode() * 31 + Boolean.hashCode(omitEmptyValues);
    }

    /** The fields, sorted, with each format string as written. */
    @Override
    public String toString() {
        return "json " + description;
    }
}
