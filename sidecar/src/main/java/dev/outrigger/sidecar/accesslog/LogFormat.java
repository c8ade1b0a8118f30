package dev.outrigger.sidecar.accesslog;

/**
 * How an access log turns an entry into one line: a format string ({@link TextFormat}) or a
 * JSON object ({@link JsonFormat}). Compiled once at config time; immutable and thread-safe.
 */
public interface LogFormat {

    /** Appends the line for {@code entry}, its end-of-line included. */
    void format(AccessLogEntry entry, StringBuilder out);
}
