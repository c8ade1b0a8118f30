package dev.outrigger.xds;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each value of a configuration file was written: field path (as {@link FieldPath}
 * prints it) to 1-based line. Immutable.
 *
 * <p>Keys are recorded as written and, for lowerCamel keys, also in snake_case, because
 * errors found after parsing name proto fields in snake_case while a file may use the JSON
 * names. A path that was not written (a missing required field, say) resolves to its
 * longest recorded prefix, so the error points at the enclosing object.
 */
public final class SourceMap {

    private static final SourceMap EMPTY = new SourceMap(Map.of());
    // FieldPath prints map keys as ["key"]; the token stream cannot tell maps from messages,
    // so the map records every object key as .key and lookups fold the bracket form into it.
    private static final Pattern MAP_KEY = Pattern.compile("\\[\"((?:[^\"\\\\]|\\\\.)*)\"\\]");
    private static final Pattern LOWER_CAMEL = Pattern.compile("[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*");

    private final Map<String, Integer> lines;

    private SourceMap(Map<String, Integer> lines) {
        this.lines = Map.copyOf(lines);
    }

    /** A map that knows no lines (for documents that did not come from a file). */
    public static SourceMap empty() {
        return EMPTY;
    }

    /** A map of exactly these printed paths to lines. */
    public static SourceMap of(Map<String, Integer> lines) {
        return new SourceMap(lines);
    }

    /** The line of the value at {@code path}, or of its nearest recorded ancestor. */
    public OptionalInt line(FieldPath path) {
        return line(path.toString());
    }

    /** The line of the value at the printed {@code path}, or of its nearest recorded ancestor. */
    public OptionalInt line(String path) {
        String p = normalize(path);
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return OptionalInt.of(line);
            }
            if (p.isEmpty()) {
                return OptionalInt.empty();
            }
            p = parent(p);
        }
    }

    /** How many paths are recorded. */
    public int size() {
        return lines.size();
    }

    /** The snake_case form of a lowerCamel key ({@code portValue} → {@code port_value}); other keys unchanged. */
    static String snakeCase(String key) {
        if (!LOWER_CAMEL.matcher(key).matches()) {
            return key;
        }
        StringBuilder sb = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String normalize(String path) {
        Matcher m = MAP_KEY.matcher(path);
        if (!m.find()) {
            return path;
        }
        StringBuilder sb = new StringBuilder();
        do {
            m.appendReplacement(sb, "");
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    /** Collects lines while a document is read. */
    static final class Builder {
        private final Map<String, Integer> lines = new HashMap<>();

        /** Records {@code line} for the path as written and for its snake_case form. */
        void record(String rawPath, String snakePath, int line) {
            lines.putIfAbsent(rawPath, line);
            lines.putIfAbsent(snakePath, line);
        }

        SourceMap build() {
            return new SourceMap(lines);
        }
    }
}
