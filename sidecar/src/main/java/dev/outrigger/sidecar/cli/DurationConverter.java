package dev.outrigger.sidecar.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses durations the way Envoy configs write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration; write it like 500ms, 10s, 2m or 1h");
        }
        double n = Double.parseDouble(m.group(1));
        long millis = switch (m.group(2)) {
            case "ms" -> (long) n;
            case "s" -> (long) (n * 1_000);
            case "m" -> (long) (n * 60_000);
            default -> (long) (n * 3_600_000);
        };
        return Duration.ofMillis(millis);
    }
}
