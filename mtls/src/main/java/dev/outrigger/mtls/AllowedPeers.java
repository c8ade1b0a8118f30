package dev.outrigger.mtls;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which SPIFFE IDs a peer may present once its chain is trusted: a pure decision, testable without TLS. */
public sealed interface AllowedPeers {

    /** Whether a peer with {@code id} is allowed. */
    boolean allows(SpiffeId id);

    /** What is allowed, for refusal messages: "expected ...". */
    String describe();

    /** Any workload of {@code trustDomain}. */
    static AllowedPeers anyIn(String trustDomain) {
        return new AnyInTrustDomain(trustDomain);
    }

    /** Exactly these IDs. */
    static AllowedPeers oneOf(SpiffeId... ids) {
        return new OneOf(Set.of(ids));
    }

    /** IDs matching at least one of {@code matchers}, as Envoy's {@code match_typed_subject_alt_names}. */
    static AllowedPeers matching(List<UriSanMatcher> matchers) {
        return new Matching(matchers);
    }

    /**
     * Any workload of one trust domain.
     *
     * @param trustDomain the trust domain, e.g. {@code example.org}
     */
    record AnyInTrustDomain(String trustDomain) implements AllowedPeers {
        /** Checks the trust domain's name. */
        public AnyInTrustDomain {
            SpiffeId.ofTrustDomain(trustDomain);
        }

        @Override
        public boolean allows(SpiffeId id) {
            return id.isMemberOf(trustDomain) && !id.path().isEmpty();
        }

        @Override
        public String describe() {
            return "a workload of trust domain " + trustDomain;
        }
    }

    /**
     * An exact set of IDs.
     *
     * @param ids the allowed IDs, at least one
     */
    record OneOf(Set<SpiffeId> ids) implements AllowedPeers {
        /** Copies the set; it must not be empty. */
        public OneOf {
            if (ids == null || ids.isEmpty()) {
                throw new IllegalArgumentException("no SPIFFE ID is allowed; give at least one");
            }
            ids = Set.copyOf(ids);
        }

        @Override
        public boolean allows(SpiffeId id) {
            return ids.contains(id);
        }

        @Override
        public String describe() {
            // Sorted, so the same configuration always gives the same message.
            return ids.stream().map(SpiffeId::toString).sorted().collect(Collectors.joining(" or "));
        }
    }

    /**
     * SAN matchers, any of which may match the peer's SPIFFE ID.
     *
     * @param matchers at least one matcher
     */
    record Matching(List<UriSanMatcher> matchers) implements AllowedPeers {
        /** Copies the list; it must not be empty. */
        public Matching {
            if (matchers == null || matchers.isEmpty()) {
                throw new IllegalArgumentException("no URI SAN matcher; give at least one");
            }
            matchers = List.copyOf(matchers);
        }

        @Override
        public boolean allows(SpiffeId id) {
            String san = id.toString();
            for (UriSanMatcher matcher : matchers) {
                if (matcher.matches(san)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "a URI SAN matching " + matchers.stream().map(UriSanMatcher::toString).collect(Collectors.joining(" or "));
        }
    }
}
