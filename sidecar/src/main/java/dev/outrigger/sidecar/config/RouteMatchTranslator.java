package dev.outrigger.sidecar.config;

import com.google.protobuf.BoolValue;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.sidecar.route.PathMatcher;
import dev.outrigger.sidecar.route.QueryParameterMatcher;
import dev.outrigger.sidecar.route.RouteMatch;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher.QueryParameterMatchSpecifierCase;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Translates Envoy's {@code RouteMatch} and the header, query and string matchers inside it. */
final class RouteMatchTranslator {

    /** Pseudo-headers a header matcher may name; the others are not visible to routing. */
    private static final List<String> MATCHABLE_PSEUDO_HEADERS = List.of(":authority", ":method", ":path");

    private RouteMatchTranslator() {
    }

    /** Translates the {@code match} of a route, found at {@code path}. */
    static RouteMatch translate(io.envoyproxy.envoy.config.route.v3.RouteMatch match, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(match, path, "prefix", "path", "safe_regex", "path_separated_prefix",
                "case_sensitive", "headers", "query_parameters");
        boolean caseSensitive = true;
        if (match.hasCaseSensitive()) {
            BoolValue value = match.getCaseSensitive();
            FieldCheck.only(value, path.field("case_sensitive"), "value");
            caseSensitive = value.getValue();
        }
        PathMatcher pathMatcher = switch (match.getPathSpecifierCase()) {
            case PREFIX -> new PathMatcher.Prefix(pathText(match.getPrefix(), path.field("prefix"), true),
                    caseSensitive);
            case PATH -> new PathMatcher.Exact(pathText(match.getPath(), path.field("path"), false), caseSensitive);
            case PATH_SEPARATED_PREFIX -> new PathMatcher.SeparatedPrefix(
                    separatedPrefix(match.getPathSeparatedPrefix(), path.field("path_separated_prefix")),
                    caseSensitive);
            case SAFE_REGEX -> {
                if (!caseSensitive) {
                    throw path.field("case_sensitive").invalid(
                            "does not apply to safe_regex; use (?i) in the regex instead");
                }
                yield new PathMatcher.Regex(RegexTranslator.compile(match.getSafeRegex(), path.field("safe_regex")));
            }
            default -> throw path.invalid("one of prefix, path, safe_regex or path_separated_prefix is required");
        };
        List<HeaderMatcher> headers = new ArrayList<>();
        for (int i = 0; i < match.getHeadersCount(); i++) {
            headers.add(headerMatcher(match.getHeaders(i), path.field("headers").index(i)));
        }
        List<QueryParameterMatcher> queryParameters = new ArrayList<>();
        for (int i = 0; i < match.getQueryParametersCount(); i++) {
            queryParameters.add(queryParameterMatcher(match.getQueryParameters(i),
                    path.field("query_parameters").index(i)));
        }
        return new RouteMatch(pathMatcher, headers, queryParameters);
    }

    private static String pathText(String value, FieldPath path, boolean mayBeEmpty) throws ResourceInvalidException {
        if (value.isEmpty() && !mayBeEmpty) {
            throw path.invalid("must not be empty");
        }
        if (!HeaderNames.isValidValue(value)) {
            throw path.invalid("must not contain CR, LF or NUL");
        }
        return value;
    }

    private static String separatedPrefix(String value, FieldPath path) throws ResourceInvalidException {
        pathText(value, path, false);
        if (value.indexOf('?') >= 0 || value.indexOf('#') >= 0 || value.endsWith("/")) {
            throw path.invalid("\"" + value + "\" must not contain '?' or '#' and must not end with '/'");
        }
        return value;
    }

    /** Translates a {@code HeaderMatcher} found at {@code path}. */
    @SuppressWarnings("deprecation") // the deprecated *_match forms are still sent by control planes
    static HeaderMatcher headerMatcher(io.envoyproxy.envoy.config.route.v3.HeaderMatcher m, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(m, path, "name", "exact_match", "safe_regex_match", "range_match", "present_match",
                "prefix_match", "suffix_match", "contains_match", "string_match", "invert_match",
                "treat_missing_header_as_empty");
        String name = m.getName().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw path.field("name").invalid("must not be empty");
        }
        if (name.startsWith(":") ? !MATCHABLE_PSEUDO_HEADERS.contains(name) : !HeaderNames.isToken(name)) {
            throw path.field("name").invalid(name.startsWith(":")
                    ? "pseudo-header " + name + " cannot be matched (supported: " + String.join(", ",
                            MATCHABLE_PSEUDO_HEADERS) + ")"
                    : "\"" + m.getName() + "\" is not a valid header name");
        }
        HeaderMatcher.Criterion criterion = switch (m.getHeaderMatchSpecifierCase()) {
            // Envoy: a matcher with only a name tests presence
            case HEADERMATCHSPECIFIER_NOT_SET -> new HeaderMatcher.Present(true);
            case PRESENT_MATCH -> new HeaderMatcher.Present(m.getPresentMatch());
            case STRING_MATCH -> new HeaderMatcher.Value(stringMatcher(m.getStringMatch(), path.field("string_match")));
            case RANGE_MATCH -> range(m.getRangeMatch(), path.field("range_match"));
            // the deprecated forms; an empty exact_match accepts any value, as in Envoy
            case EXACT_MATCH -> new HeaderMatcher.Value(m.getExactMatch().isEmpty()
                    ? new StringMatcher.Prefix("", false)
                    : new StringMatcher.Exact(m.getExactMatch(), false));
            case PREFIX_MATCH -> new HeaderMatcher.Value(new StringMatcher.Prefix(
                    nonEmpty(m.getPrefixMatch(), path.field("prefix_match")), false));
            case SUFFIX_MATCH -> new HeaderMatcher.Value(new StringMatcher.Suffix(
                    nonEmpty(m.getSuffixMatch(), path.field("suffix_match")), false));
            case CONTAINS_MATCH -> new HeaderMatcher.Value(new StringMatcher.Contains(
                    nonEmpty(m.getContainsMatch(), path.field("contains_match")), false));
            case SAFE_REGEX_MATCH -> new HeaderMatcher.Value(new StringMatcher.Regex(
                    RegexTranslator.compile(m.getSafeRegexMatch(), path.field("safe_regex_match"))));
        };
        return new HeaderMatcher(name, criterion, m.getInvertMatch(), m.getTreatMissingHeaderAsEmpty());
    }

    private static HeaderMatcher.Range range(Int64Range range, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(range, path, "start", "end");
        if (range.getStart() >= range.getEnd()) {
            throw path.invalid("range [" + range.getStart() + ", " + range.getEnd()
                    + ") is empty: end is exclusive and must be greater than start");
        }
        return new HeaderMatcher.Range(range.getStart(), range.getEnd());
    }

    /** Translates a {@code QueryParameterMatcher} found at {@code path}. */
    static QueryParameterMatcher queryParameterMatcher(io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher m,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(m, path, "name", "string_match", "present_match");
        if (m.getName().isEmpty()) {
            throw path.field("name").invalid("must not be empty");
        }
        if (m.getQueryParameterMatchSpecifierCase() == QueryParameterMatchSpecifierCase.STRING_MATCH) {
            StringMatcher value = stringMatcher(m.getStringMatch(), path.field("string_match"));
            return new QueryParameterMatcher(m.getName(), value);
        }
        if (m.getQueryParameterMatchSpecifierCase() == QueryParameterMatchSpecifierCase.PRESENT_MATCH
                && !m.getPresentMatch()) {
            // Envoy would treat this as a presence test, the opposite of what it reads like
            throw path.field("present_match").invalid(
                    "false is not supported: a query parameter matcher cannot require absence");
        }
        return new QueryParameterMatcher(m.getName(), null);
    }

    /** Translates a {@code StringMatcher} found at {@code path}. */
    static StringMatcher stringMatcher(io.envoyproxy.envoy.type.matcher.v3.StringMatcher m, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(m, path, "exact", "prefix", "suffix", "contains", "safe_regex", "ignore_case");
        boolean ignoreCase = m.getIgnoreCase();
        return switch (m.getMatchPatternCase()) {
            case EXACT -> new StringMatcher.Exact(m.getExact(), ignoreCase);
            case PREFIX -> new StringMatcher.Prefix(nonEmpty(m.getPrefix(), path.field("prefix")), ignoreCase);
            case SUFFIX -> new StringMatcher.Suffix(nonEmpty(m.getSuffix(), path.field("suffix")), ignoreCase);
            case CONTAINS -> new StringMatcher.Contains(nonEmpty(m.getContains(), path.field("contains")), ignoreCase);
            case SAFE_REGEX -> {
                if (ignoreCase) {
                    throw path.field("ignore_case").invalid("has no effect for safe_regex; use (?i) in the regex");
                }
                yield new StringMatcher.Regex(RegexTranslator.compile(m.getSafeRegex(), path.field("safe_regex")));
            }
            default -> throw path.invalid("one of exact, prefix, suffix, contains or safe_regex is required");
        };
    }

    private static String nonEmpty(String value, FieldPath path) throws ResourceInvalidException {
        if (value.isEmpty()) {
            throw path.invalid("must not be empty");
        }
        return value;
    }
}
