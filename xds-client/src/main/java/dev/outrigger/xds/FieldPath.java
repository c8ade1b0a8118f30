package dev.outrigger.xds;

/**
 * An immutable path to a field inside a configuration message, printed the way an operator
 * reads YAML: {@code static_resources.listeners[0].filter_chains[0].filters[0].typed_config}.
 *
 * <p>Every configuration error carries one, so a bad field is found without guessing.
 */
public final class FieldPath {

    /** The empty path: the top of a document or of a single xDS resource. */
    public static final FieldPath ROOT = new FieldPath(null, "");

    private final FieldPath parent;
    private final String segment;

    private FieldPath(FieldPath parent, String segment) {
        this.parent = parent;
        this.segment = segment;
    }

    /** Parses the printed form back into a path (the inverse of {@link #toString()}). */
    public static FieldPath of(String printed) {
        return printed.isEmpty() ? ROOT : new FieldPath(ROOT, printed);
    }

    /** The path of a named field of the message at this path. */
    public FieldPath field(String name) {
        return new FieldPath(this, this == ROOT ? name : "." + name);
    }

    /** The path of one element of the repeated field at this path. */
    public FieldPath index(int i) {
        return new FieldPath(this, "[" + i + "]");
    }

    /** The path of one entry of the map field at this path. */
    public FieldPath key(String key) {
        return new FieldPath(this, "[\"" + key + "\"]");
    }

    /** The exception that rejects the value at this path, with the reason an operator reads. */
    public ResourceInvalidException invalid(String reason) {
        return new ResourceInvalidException(this, reason);
    }

    /** True for the empty path. */
    public boolean isRoot() {
        return this == ROOT || (parent == ROOT && segment.isEmpty());
    }

    @Override
    public String toString() {
        if (parent == null) {
            return segment;
        }
        StringBuilder sb = new StringBuilder();
        append(sb);
        return sb.toString();
    }

    private void append(StringBuilder sb) {
        if (parent != null) {
            parent.append(sb);
        }
        sb.append(segment);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
