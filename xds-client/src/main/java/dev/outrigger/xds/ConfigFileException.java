package dev.outrigger.xds;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A configuration file that cannot be used, with the one-line message an operator sees:
 * {@code FILE:LINE: PATH: REASON} (the line is left out when unknown, the path when there is
 * none; syntax errors add the column, {@code FILE:LINE:COLUMN: REASON}).
 */
public final class ConfigFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;
    private final String path;
    private final String reason;

    /**
     * Rejects {@code file}.
     *
     * @param file the file, printed as given
     * @param line 1-based line of the problem, 0 when unknown
     * @param column 1-based column of the problem, 0 when unknown or not meaningful
     * @param path the field path of the bad value, "" when the problem is not about one value
     * @param reason what is wrong; line breaks are folded so the message stays one line
     */
    public ConfigFileException(Path file, int line, int column, String path, String reason) {
        super(format(file, line, column, path, oneLine(reason)), null, false, false);
        this.file = Objects.requireNonNull(file, "file");
        this.line = Math.max(0, line);
        this.column = this.line == 0 ? 0 : Math.max(0, column);
        this.path = Objects.requireNonNull(path, "path");
        this.reason = oneLine(reason);
    }

    /** A problem with the file as a whole (unreadable, empty, ...). */
    public static ConfigFileException ofFile(Path file, String reason) {
        return new ConfigFileException(file, 0, 0, "", reason);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** 1-based line, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column, 0 when unknown. */
    public int column() {
        return column;
    }

    /** The field path of the bad value, "" when none. */
    public String path() {
        return path;
    }

    /** What is wrong, without file, line or path. */
    public String reason() {
        return reason;
    }

    private static String format(Path file, int line, int column, String path, String reason) {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        sb.append(": ");
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(reason).toString();
    }

    // Parsers (snakeyaml in particular) put code excerpts on extra lines; an operator's
    // terminal and a log line want one line, so breaks become "; ".
    private static String oneLine(String text) {
        String s = Objects.requireNonNull(text, "reason").strip();
        return s.replaceAll("\\s*\\R\\s*", "; ");
    }
}
