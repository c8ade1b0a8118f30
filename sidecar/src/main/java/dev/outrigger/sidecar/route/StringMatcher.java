package dev.outrigger.sidecar.route;

import com.google.re2j.Pattern;
import java.util.Objects;

/** A test on a string value (a header or query parameter), as Envoy's {@code StringMatcher}. */
public sealed interface StringMatcher {

    /** True when {@code value} satisfies this matcher. */
    boolean matches(String value);

    /** The whole value equals {@code value}. */
    record Exact(String value, boolean ignoreCase) implements StringMatcher {
        public Exact {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(String s) {
            return ignoreCase ? s.equalsIgnoreCase(value) : s.equals(value);
        }
    }

    /** The value starts with {@code value}. */
    record Prefix(String value, boolean ignoreCase) implements StringMatcher {
        public Prefix {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(String s) {
            return s.regionMatches(ignoreCase, 0, value, 0, value.length());
        }
    }

    /** The value ends with {@code value}. */
    record Suffix(String value, boolean ignoreCase) implements StringMatcher {
        public Suffix {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(String s) {
            int start = s.length() - value.length();
            return start >= 0 && s.regionMatches(ignoreCase, start, value, 0, value.length());
        }
    }

    /** The value contains {@code value} somewhere. */
    record Contains(String value, boolean ignoreCase) implements StringMatcher {
        public Contains {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(String s) {
            if (!ignoreCase) {
                return s.contains(value);
            }
            for (int i = 0; i + value.length() <= s.length(); i++) {
                if (s.regionMatches(true, i, value, 0, value.length())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The whole value matches an RE2 regular expression (full match, as Envoy's {@code safe_regex}). */
    record Regex(Pattern pattern) implements StringMatcher {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean matches(String s) {
            return pattern.matches(s);
        }
    }
}
