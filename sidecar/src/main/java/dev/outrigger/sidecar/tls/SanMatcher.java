package dev.outrigger.sidecar.tls;

import java.util.Objects;

/**
 * A rule on the peer certificate's URI SAN (its SPIFFE ID), from Envoy's
 * {@code match_typed_subject_alt_names} with {@code san_type: URI}.
 *
 * @param kind how {@code value} is compared
 * @param value the SPIFFE ID, or its prefix
 */
public record SanMatcher(Kind kind, String value) {

    /** How a matcher compares. */
    public enum Kind { EXACT, PREFIX }

    public SanMatcher {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    /** Whether {@code uri} satisfies this rule. */
    public boolean matches(String uri) {
        return kind == Kind.EXACT ? uri.equals(value) : uri.startsWith(value);
    }

    @Override
    public String toString() {
        return kind == Kind.EXACT ? value : value + "*";
    }
}
