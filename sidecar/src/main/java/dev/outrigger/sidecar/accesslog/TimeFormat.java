package dev.outrigger.sidecar.accesslog;

import java.util.ArrayList;
import java.util.List;

/**
 * The strftime-like format of {@code %START_TIME(...)%}, compiled once; times are printed in UTC
 * with plain arithmetic (no {@code java.time} objects per line).
 *
 * <p>Specifiers: {@code %Y} year, {@code %y} 2-digit year, {@code %m} month, {@code %d} day,
 * {@code %e} space-padded day, {@code %H} hour, {@code %M} minute, {@code %S} second,
 * {@code %s} epoch seconds, {@code %f} and {@code %1f}..{@code %9f} fraction of the second (9
 * digits by default; Outrigger records milliseconds, so digits past the third are 0),
 * {@code %z} ({@code +0000}), {@code %Z} ({@code UTC}), {@code %a}/{@code %A} weekday,
 * {@code %b}/{@code %B} month name (English), {@code %F} ({@code %Y-%m-%d}), {@code %T}
 * ({@code %H:%M:%S}), {@code %%}. Anything else is rejected.
 */
final class TimeFormat {

    /** Envoy's default: {@code 2016-04-15T20:17:00.310Z}. */
    static final String DEFAULT = "%Y-%m-%dT%H:%M:%S.%3fZ";

    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    /** One specifier ({@code literal} null) or literal text. */
    private record Part(char spec, int digits, String literal) {
    }

    private final Part[] parts;

    private TimeFormat(List<Part> parts) {
        this.parts = parts.toArray(new Part[0]);
    }

    /** Compiles {@code pattern}; rejects a specifier outside the subset above. */
    static TimeFormat compile(String pattern) throws InvalidFormatException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 >= pattern.length()) {
                throw new InvalidFormatException("START_TIME format \"" + pattern + "\" ends with a lone '%'");
            }
            char s = pattern.charAt(++i);
            int digits = 0;
            if (s >= '1' && s <= '9' && i + 1 < pattern.length() && pattern.charAt(i + 1) == 'f') {
                digits = s - '0';
                s = pattern.charAt(++i);
            }
            switch (s) {
                case '%' -> literal.append('%');
                case 'F' -> expand("%Y-%m-%d", parts, literal);
                case 'T' -> expand("%H:%M:%S", parts, literal);
                case 'Y', 'y', 'm', 'd', 'e', 'H', 'M', 'S', 's', 'f', 'z', 'Z', 'a', 'A', 'b', 'B' -> {
                    flush(literal, parts);
                    parts.add(new Part(s, s == 'f' && digits == 0 ? 9 : digits, null));
                }
                default -> throw new InvalidFormatException("START_TIME format \"" + pattern + "\": %" + s
                        + " is not supported (supported: %Y %y %m %d %e %H %M %S %s %f %1f-%9f %z %Z %a %A %b %B"
                        + " %F %T %%)");
            }
        }
        flush(literal, parts);
        return new TimeFormat(parts);
    }

    private static void expand(String pattern, List<Part> parts, StringBuilder literal)
            throws InvalidFormatException {
        flush(literal, parts);
        parts.addAll(List.of(compile(pattern).parts));
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (!literal.isEmpty()) {
            parts.add(new Part('\0', 0, literal.toString()));
            literal.setLength(0);
        }
    }

    /** Appends {@code epochMillis} formatted in UTC. */
    void append(long epochMillis, StringBuilder out) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        long date = civil(days);
        long year = date >> 9;
        int month = (int) (date >> 5) & 0xf;
        int day = (int) date & 0x1f;
        for (Part p : parts) {
            if (p.literal != null) {
                out.append(p.literal);
                continue;
            }
            switch (p.spec) {
                case 'Y' -> pad(year, 4, '0', out);
                case 'y' -> pad(Math.floorMod(year, 100), 2, '0', out);
                case 'm' -> pad(month, 2, '0', out);
                case 'd' -> pad(day, 2, '0', out);
                case 'e' -> pad(day, 2, ' ', out);
                case 'H' -> pad(secondOfDay / 3600, 2, '0', out);
                case 'M' -> pad(secondOfDay / 60 % 60, 2, '0', out);
                case 'S' -> pad(secondOfDay % 60, 2, '0', out);
                case 's' -> out.append(seconds);
                case 'f' -> fraction(millis, p.digits, out);
                case 'z' -> out.append("+0000");
                case 'Z' -> out.append("UTC");
                case 'a' -> out.append(DAYS[weekday(days)], 0, 3);
                case 'A' -> out.append(DAYS[weekday(days)]);
                case 'b' -> out.append(MONTHS[month - 1], 0, 3);
                case 'B' -> out.append(MONTHS[month - 1]);
                default -> throw new IllegalStateException("compiled an unknown specifier %" + p.spec);
            }
        }
    }

    private static int weekday(long days) {
        return (int) Math.floorMod(days + 4, 7L); // 1970-01-01 was a Thursday
    }

    private static void fraction(int millis, int digits, StringBuilder out) {
        if (digits <= 3) {
            int value = millis;
            for (int i = digits; i < 3; i++) {
                value /= 10;
            }
            pad(value, digits, '0', out);
        } else {
            pad(millis, 3, '0', out);
            for (int i = 3; i < digits; i++) {
                out.append('0');
            }
        }
    }

    private static void pad(long value, int width, char fill, StringBuilder out) {
        long v = value;
        int length = 1;
        for (long t = Math.abs(v) / 10; t > 0; t /= 10) {
            length++;
        }
        if (v < 0) {
            out.append('-');
            v = -v;
            length++;
        }
        for (int i = length; i < width; i++) {
            out.append(fill);
        }
        out.append(v);
    }

    /**
     * The proleptic Gregorian date of a day counted from 1970-01-01, packed as
     * {@code year << 9 | month << 5 | day}: the era-of-400-years method, shifted so a year
     * starts on 1 March and the leap day falls last.
     */
    static long civil(long epochDay) {
        long shifted = epochDay + 719_468; // days from 0000-03-01
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153; // 0 = March
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return year << 9 | (long) month << 5 | day;
    }
}
