package dev.outrigger.sidecar.accesslog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an access log writes: standard output, standard error, or a file. A file logger whose
 * path is {@code /dev/stdout} or {@code /dev/stderr} (the usual container idiom) writes to the
 * process's stream, shared with the stream loggers, rather than opening the device.
 *
 * @param kind which of the three
 * @param path the file, for {@link Kind#FILE}; null otherwise
 */
public record AccessLogTarget(Kind kind, Path path) {

    /** The kinds of target. */
    public enum Kind {
        /** The process's standard output. */
        STDOUT,
        /** The process's standard error. */
        STDERR,
        /** A file, appended to. */
        FILE
    }

    /** Standard output. */
    public static final AccessLogTarget STDOUT = new AccessLogTarget(Kind.STDOUT, null);
    /** Standard error. */
    public static final AccessLogTarget STDERR = new AccessLogTarget(Kind.STDERR, null);

    public AccessLogTarget {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.FILE) != (path != null)) {
            throw new IllegalArgumentException("a path is given for FILE targets only");
        }
    }

    /**
     * The file {@code path}, made absolute and normalized so that two spellings of one file share
     * its sink; or a standard stream for {@code /dev/stdout} and {@code /dev/stderr}.
     */
    public static AccessLogTarget file(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return switch (absolute.toString()) {
            case "/dev/stdout" -> STDOUT;
            case "/dev/stderr" -> STDERR;
            default -> new AccessLogTarget(Kind.FILE, absolute);
        };
    }

    /** The {@code path} tag of this target's metrics. */
    public String tag() {
        return switch (kind) {
            case STDOUT -> "/dev/stdout";
            case STDERR -> "/dev/stderr";
            case FILE -> path.toString();
        };
    }

    @Override
    public String toString() {
        return tag();
    }
}
