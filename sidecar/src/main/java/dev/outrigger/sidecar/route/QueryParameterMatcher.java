package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * A test on one query parameter, as Envoy's {@code QueryParameterMatcher}: the parameter must be
 * present, and when {@code valueMatcher} is given its first (percent-decoded) value must satisfy it.
 *
 * @param name the parameter name, compared exactly after percent-decoding
 * @param valueMatcher the test on the value, or null to require only presence ({@code present_match})
 */
public record QueryParameterMatcher(String name, StringMatcher valueMatcher) {

    public QueryParameterMatcher {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("query parameter name must not be empty");
        }
    }

    /** True when the query of {@code pathAndQuery} satisfies this matcher. */
    public boolean matches(String pathAndQuery) {
        String value = QueryString.firstValue(pathAndQuery, name);
        if (value == null) {
            return false;
        }
        return valueMatcher == null || valueMatcher.matches(value);
    }
}
