package dev.outrigger.mtls;

import java.util.Locale;

/**
 * One of Envoy's {@code match_typed_subject_alt_names} entries for a URI SAN: a string matcher
 * ({@code exact}, {@code prefix}, {@code suffix} or {@code contains}, optionally ignoring case).
 *
 * @param kind       how {@code value} is compared
 * @param value      the text to compare with
 * @param ignoreCase whether ASCII case is ignored, as Envoy's {@code ignore_case}
 */
public record UriSanMatcher(Kind kind, String value, boolean ignoreCase) {

    /** The string comparisons Envoy's {@code StringMatcher} offers, but regular expressions. */
    public enum Kind {
        /** The whole SAN equals the value. */
        EXACT,
        /** The SAN starts with the value. */
        PREFIX,
        /** The SAN ends with the value. */
        SUFFIX,
        /** The SAN contains the value. */
        CONTAINS
    }

    /** Checks that kind and value are present; Envoy also rejects an empty prefix, suffix or contains value. */
    public UriSanMatcher {
        if (kind == null || value == null) {
            throw new IllegalArgumentException("a URI SAN matcher needs a kind and a value");
        }
        if (kind != Kind.EXACT && value.isEmpty()) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " matcher with an empty value");
        }
    }

    /** Matches a SAN equal to {@code value}. */
    public static UriSanMatcher exact(String value) {
        return new UriSanMatcher(Kind.EXACT, value, false);
    }

    /** Matches a SAN starting with {@code value}. */
    public static UriSanMatcher prefix(String value) {
        return new UriSanMatcher(Kind.PREFIX, value, false);
    }

    /** Whether {@code san} matches. */
    public boolean matches(String san) {
        String s = ignoreCase ? san.toLowerCase(Locale.ROOT) : san;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        return switch (kind) {
            case EXACT -> s.equals(v);
            case PREFIX -> s.startsWith(v);
            case SUFFIX -> s.endsWith(v);
            case CONTAINS -> s.contains(v);
        };
    }

    /** E.g. {@code prefix 'spiffe://example.org/ns/shop/'}. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " '" + value + "'" + (ignoreCase ? " (ignoring case)" : "");
    }
}
