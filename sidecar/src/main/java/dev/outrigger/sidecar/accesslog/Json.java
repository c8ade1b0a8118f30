package dev.outrigger.sidecar.accesslog;

import java.util.Collection;
import java.util.Map;

/** Writes JSON into a builder: string escaping and the values dynamic metadata may hold. */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /**
     * Escapes, in place, the characters of {@code out} from {@code from} on. The common case,
     * nothing to escape, costs one scan and no allocation.
     */
    static void escapeFrom(StringBuilder out, int from) {
        int first = -1;
        for (int i = from; i < out.length(); i++) {
            if (needsEscape(out.charAt(i))) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return;
        }
        String tail = out.substring(first);
        out.setLength(first);
        for (int i = 0; i < tail.length(); i++) {
            appendEscaped(tail.charAt(i), out);
        }
    }

    /** Appends {@code s} as a quoted JSON string. */
    static void appendString(CharSequence s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            appendEscaped(s.charAt(i), out);
        }
        out.append('"');
    }

    /** Appends a String, Number, Boolean, Map, Collection or null as JSON. */
    static void appendValue(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence s) {
            appendString(s, out);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d);
            } else {
                out.append(d);
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(String.valueOf(entry.getKey()), out);
                out.append(':');
                appendValue(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendValue(item, out);
            }
            out.append(']');
        } else {
            appendString(value.toString(), out);
        }
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }

    private static void appendEscaped(char c, StringBuilder out) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            default -> {
                if (c < 0x20) {
                    out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
    }
}
