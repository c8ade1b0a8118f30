package dev.outrigger.sidecar.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Objects;

/** How a route rewrites the request path; the query string is always carried over unchanged. */
public sealed interface PathRewrite {

    /** Leaves the path alone. */
    PathRewrite NONE = new Keep();

    /** The new path and query for {@code pathAndQuery}. */
    String apply(String pathAndQuery);

    /** No rewrite. */
    record Keep() implements PathRewrite {
        @Override
        public String apply(String pathAndQuery) {
            return pathAndQuery;
        }
    }

    /**
     * Replaces the part of the path the route's prefix (or exact path) matched with
     * {@code replacement} ({@code prefix_rewrite}). Like Envoy, nothing else is touched, so
     * prefix {@code /api} with replacement {@code /} turns {@code /api/x} into {@code //x}; use
     * prefix {@code /api/} for {@code /x}.
     *
     * @param matchedLength the length of the route's prefix or exact path
     * @param replacement what replaces it
     */
    record ReplacePrefix(int matchedLength, String replacement) implements PathRewrite {
        public ReplacePrefix {
            Objects.requireNonNull(replacement, "replacement");
            if (matchedLength < 0) {
                throw new IllegalArgumentException("matchedLength " + matchedLength + " is negative");
            }
        }

        @Override
        public String apply(String pathAndQuery) {
            if (pathAndQuery.length() < matchedLength) {
                return pathAndQuery; // not a path this route matched; leave it rather than guess
            }
            return replacement + pathAndQuery.substring(matchedLength);
        }
    }

    /**
     * Replaces every match of {@code pattern} in the path (not the query) with
     * {@code substitution} ({@code regex_rewrite}), with RE2's rules: {@code \0}..{@code \9}
     * insert a group, {@code \\} a backslash, and an empty match right after a match is skipped.
     *
     * @param pattern the RE2 pattern searched for
     * @param substitution the replacement text in RE2 syntax
     */
    record RegexReplace(Pattern pattern, String substitution) implements PathRewrite {
        public RegexReplace {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(substitution, "substitution");
            String problem = substitutionProblem(pattern, substitution);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        @Override
        public String apply(String pathAndQuery) {
            int q = pathAndQuery.indexOf('?');
            String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            Matcher m = pattern.matcher(path);
            StringBuilder out = null;
            int copied = 0;
            int lastEnd = -1;
            while (m.find()) {
                if (m.start() == m.end() && m.start() == lastEnd) {
                    continue; // RE2's GlobalReplace never matches empty right where a match ended
                }
                if (out == null) {
                    out = new StringBuilder(pathAndQuery.length() + substitution.length());
                }
                out.append(path, copied, m.start());
                appendSubstitution(out, m);
                copied = m.end();
                lastEnd = m.end();
            }
            if (out == null) {
                return pathAndQuery;
            }
            out.append(path, copied, path.length());
            if (q >= 0) {
                out.append(pathAndQuery, q, pathAndQuery.length());
            }
            return out.toString();
        }

        private void appendSubstitution(StringBuilder out, Matcher m) {
            for (int i = 0; i < substitution.length(); i++) {
                char c = substitution.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char next = substitution.charAt(++i);
                if (next == '\\') {
                    out.append('\\');
                } else {
                    String group = m.group(next - '0');
                    if (group != null) {
                        out.append(group);
                    }
                }
            }
        }

        /** Why {@code substitution} is not a valid RE2 rewrite for {@code pattern}, or null. */
        static String substitutionProblem(Pattern pattern, String substitution) {
            for (int i = 0; i < substitution.length(); i++) {
                if (substitution.charAt(i) != '\\') {
                    continue;
                }
                if (i + 1 == substitution.length()) {
                    return "substitution ends with a lone '\\' (write \\\\ for a backslash)";
                }
                char next = substitution.charAt(++i);
                if (next == '\\') {
                    continue;
                }
                if (next < '0' || next > '9') {
                    return "invalid escape \\" + next + " in substitution (only \\0..\\9 and \\\\ are allowed)";
                }
                if (next - '0' > pattern.groupCount()) {
                    return "substitution refers to group \\" + next + " but the pattern has "
                            + pattern.groupCount() + " capture group(s)";
                }
            }
            return null;
        }
    }
}
