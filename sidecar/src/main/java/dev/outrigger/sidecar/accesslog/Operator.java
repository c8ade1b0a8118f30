package dev.outrigger.sidecar.accesslog;

/**
 * One command operator ({@code %DURATION%}, {@code %REQ(user-agent):64%}), compiled once at
 * config time: per entry it only reads fields and appends to a builder.
 */
abstract class Operator implements Segment {

    /** No {@code :Z} truncation. */
    static final int NO_LIMIT = -1;

    private final int maxLength;

    Operator(int maxLength) {
        this.maxLength = maxLength;
    }

    /**
     * Appends the raw value; returns false, having appended nothing, when the entry has none.
     */
    abstract boolean append(AccessLogEntry entry, StringBuilder out);

    /** The value as text, cut to {@code :Z} characters; false (nothing appended) when none or empty. */
    final boolean appendTruncated(AccessLogEntry entry, StringBuilder out) {
        int start = out.length();
        if (!append(entry, out) || out.length() == start) {
            out.setLength(start);
            return false;
        }
        if (maxLength != NO_LIMIT && out.length() - start > maxLength) {
            int cut = start + maxLength;
            // never leave half of a surrogate pair: the encoder would print it as '?'
            if (Character.isHighSurrogate(out.charAt(cut - 1))) {
                cut--;
            }
            out.setLength(cut);
        }
        return true;
    }

    @Override
    public final void appendText(AccessLogEntry entry, StringBuilder out, String missing) {
        if (!appendTruncated(entry, out)) {
            out.append(missing);
        }
    }

    /**
     * Appends the value as one JSON value, for a JSON field that is this operator alone: a
     * quoted string unless the operator is typed (numbers, metadata). False, having appended
     * nothing, when there is no value.
     */
    boolean appendJson(AccessLogEntry entry, StringBuilder out) {
        int start = out.length();
        out.append('"');
        if (!appendTruncated(entry, out)) {
            out.setLength(start);
            return false;
        }
        Json.escapeFrom(out, start + 1);
        out.append('"');
        return true;
    }
}
