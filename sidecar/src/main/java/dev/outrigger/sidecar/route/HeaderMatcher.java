package dev.outrigger.sidecar.route;

import java.util.List;
import java.util.Objects;

/**
 * A test on one request header, as Envoy's {@code HeaderMatcher}. Several values of the header
 * are tested joined with "," (as Envoy does). The pseudo-headers {@code :authority} (also
 * reachable as {@code host}), {@code :method} and {@code :path} read the request line.
 *
 * @param name the lower-case header name
 * @param criterion what the value must satisfy
 * @param invert invert the result ({@code invert_match}); a missing header still fails value
 *     and range criteria, as in Envoy
 * @param treatMissingAsEmpty test a missing header as if its value were ""
 *     ({@code treat_missing_header_as_empty})
 */
public record HeaderMatcher(String name, Criterion criterion, boolean invert, boolean treatMissingAsEmpty) {

    /** What a header value must satisfy. */
    public sealed interface Criterion permits Present, Value, Range {
    }

    /** The header is present ({@code true}) or absent ({@code false}); {@code present_match}. */
    public record Present(boolean present) implements Criterion {
    }

    /** The value satisfies a string matcher ({@code string_match} and the deprecated {@code *_match} forms). */
    public record Value(StringMatcher matcher) implements Criterion {
        public Value {
            Objects.requireNonNull(matcher, "matcher");
        }
    }

    /** The value is an integer in {@code [start, end)}; {@code range_match}. */
    public record Range(long start, long end) implements Criterion {
        public Range {
            if (start >= end) {
                throw new IllegalArgumentException("range [" + start + ", " + end + ") is empty");
            }
        }
    }

    public HeaderMatcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(criterion, "criterion");
    }

    /** True when the request satisfies this matcher. */
    public boolean matches(RequestView request) {
        String value = value(request);
        if (value == null) {
            if (!treatMissingAsEmpty) {
                // Envoy: an absent header satisfies only present_match: false, and invert_match
                // flips just the presence test; it never turns a failed value test into a match.
                return criterion instanceof Present p && p.present() == invert;
            }
            value = "";
        }
        boolean matched;
        if (criterion instanceof Present p) {
            matched = p.present();
        } else if (criterion instanceof Value v) {
            matched = v.matcher().matches(value);
        } else {
            Range r = (Range) criterion;
            matched = inRange(value, r.start(), r.end());
        }
        return matched != invert;
    }

    private String value(RequestView request) {
        switch (name) {
            case ":authority":
            case "host":
                return request.authority();
            case ":method":
                return request.method();
            case ":path":
                return request.pathAndQuery();
            default:
                List<String> values = request.headerValues(name);
                if (values == null || values.isEmpty()) {
                    return null;
                }
                return values.size() == 1 ? values.get(0) : String.join(",", values);
        }
    }

    /** Parses a decimal integer (optional sign, surrounding spaces allowed) without throwing. */
    private static boolean inRange(String s, long start, long end) {
        int i = 0;
        int n = s.length();
        while (i < n && s.charAt(i) == ' ') {
            i++;
        }
        while (n > i && s.charAt(n - 1) == ' ') {
            n--;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == n) {
            return false;
        }
        long v = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            // accumulate negatively so Long.MIN_VALUE parses; overflow means "not an int64"
            if (v < (Long.MIN_VALUE + (c - '0')) / 10) {
                return false;
            }
            v = v * 10 - (c - '0');
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        return v >= start && v < end;
    }
}
