package dev.outrigger.sidecar.route;

import com.google.re2j.Pattern;
import java.util.Objects;

/**
 * The path test of a route, as the {@code path_specifier} of Envoy's {@code RouteMatch}. It sees the
 * path without the query string.
 */
public sealed interface PathMatcher {

    /** True when {@code path} (no query string) satisfies this matcher. */
    boolean matches(String path);

    /**
     * How many leading characters of a matching path a {@code prefix_rewrite} replaces, or -1
     * when this matcher has no prefix to replace (a regex).
     */
    int rewritablePrefixLength();

    /** The path starts with {@code prefix} ({@code prefix} in Envoy). */
    record Prefix(String prefix, boolean caseSensitive) implements PathMatcher {
        public Prefix {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public boolean matches(String path) {
            return path.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
        }

        @Override
        public int rewritablePrefixLength() {
            return prefix.length();
        }
    }

    /** The path equals {@code path} ({@code path} in Envoy). */
    record Exact(String path, boolean caseSensitive) implements PathMatcher {
        public Exact {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public boolean matches(String requestPath) {
            return caseSensitive ? requestPath.equals(path) : requestPath.equalsIgnoreCase(path);
        }

        @Override
        public int rewritablePrefixLength() {
            return path.length();
        }
    }

    /**
     * The path is {@code prefix} or continues it with a '/' ({@code path_separated_prefix}), so
     * {@code /api} matches {@code /api} and {@code /api/x} but not {@code /apix}.
     */
    record SeparatedPrefix(String prefix, boolean caseSensitive) implements PathMatcher {
        public SeparatedPrefix {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public boolean matches(String path) {
            int n = prefix.length();
            return path.regionMatches(!caseSensitive, 0, prefix, 0, n)
                    && (path.length() == n || path.charAt(n) == '/');
        }

        @Override
        public int rewritablePrefixLength() {
            return prefix.length();
        }
    }

    /** The whole path matches an RE2 regular expression ({@code safe_regex}). */
    record Regex(Pattern pattern) implements PathMatcher {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean matches(String path) {
            return pattern.matches(path);
        }

        @Override
        public int rewritablePrefixLength() {
            return -1;
        }
    }
}
