package dev.outrigger.sidecar.accesslog;

/** A piece of a compiled format string: literal text or a command operator. */
interface Segment {

    /** Appends this piece's text, or {@code missing} when it has no value. */
    void appendText(AccessLogEntry entry, StringBuilder out, String missing);

    /** Literal text between command operators ({@code %%} already turned into {@code %}). */
    record Literal(String text) implements Segment {

        @Override
        public void appendText(AccessLogEntry entry, StringBuilder out, String missing) {
            out.append(text);
        }
    }
}
