package dev.outrigger.sidecar.accesslog;

import java.util.List;

/**
 * A compiled Envoy format string: literal text and command operators, parsed once at config
 * time. Immutable and thread-safe; equal when the source strings are.
 */
public final class Template {

    private final String source;
    private final Segment[] segments;

    Template(String source, List<Segment> segments) {
        this.source = source;
        this.segments = segments.toArray(new Segment[0]);
    }

    /**
     * Compiles {@code source}, e.g. {@code [%START_TIME%] "%REQ(:METHOD)% %REQ(:PATH)%"\n}.
     *
     * @throws InvalidFormatException naming the operator or position that is wrong
     */
    public static Template parse(String source) throws InvalidFormatException {
        return FormatParser.parse(source);
    }

    /** The format string as configured. */
    public String source() {
        return source;
    }

    /** Appends the text, with {@code missing} for each operator that has no value. */
    void appendText(AccessLogEntry entry, StringBuilder out, String missing) {
        for (Segment s : segments) {
            s.appendText(entry, out, missing);
        }
    }

    /** The operator when the template is exactly one operator (typed in JSON), else null. */
    Operator lone() {
        return segments.length == 1 && segments[0] instanceof Operator op ? op : null;
    }

    /** True when there is no operator: the text is the same for every entry. */
    boolean isConstant() {
        for (Segment s : segments) {
            if (s instanceof Operator) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Template t && t.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
