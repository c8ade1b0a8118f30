package dev.outrigger.mtls;

import java.security.cert.TrustAnchor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which CAs may vouch for a peer: one {@link TrustBundle} for every trust domain (the usual mesh,
 * and Envoy's default validator), or one bundle per trust domain, chosen by the trust domain of
 * the peer's SPIFFE ID before its chain is checked (Envoy's SPIFFE validator). Per domain, no
 * trust domain's CA can vouch for an identity of another. Immutable.
 */
public final class PeerTrust {

    private final TrustBundle shared;
    private final Map<String, TrustBundle> byDomain;
    private final Map<String, Set<TrustAnchor>> anchorsByDomain;
    private final Set<TrustAnchor> sharedAnchors;

    private PeerTrust(TrustBundle shared, Map<String, TrustBundle> byDomain) {
        this.shared = shared;
        this.byDomain = byDomain;
        this.sharedAnchors = shared == null ? null : shared.trustAnchors();
        Map<String, Set<TrustAnchor>> anchors = new TreeMap<>();
        if (byDomain != null) {
            byDomain.forEach((domain, bundle) -> anchors.put(domain, bundle.trustAnchors()));
        }
        this.anchorsByDomain = Map.copyOf(anchors);
    }

    /** One bundle, whatever the peer's trust domain. */
    public static PeerTrust of(TrustBundle bundle) {
        if (bundle == null) {
            throw new IllegalArgumentException("a trust bundle is required");
        }
        return new PeerTrust(bundle, null);
    }

    /**
     * One bundle per trust domain; a peer of a trust domain not listed is refused. Throws
     * {@link IllegalArgumentException} for an empty map or a malformed trust domain name.
     */
    public static PeerTrust perTrustDomain(Map<String, TrustBundle> bundles) {
        if (bundles == null || bundles.isEmpty()) {
            throw new IllegalArgumentException("no trust domain given; give at least one with its bundle");
        }
        Map<String, TrustBundle> copy = new TreeMap<>();
        bundles.forEach((domain, bundle) -> {
            SpiffeId.ofTrustDomain(domain);
            if (bundle == null) {
                throw new IllegalArgumentException("trust domain " + domain + " has no bundle");
            }
            copy.put(domain, bundle);
        });
        return new PeerTrust(null, Map.copyOf(copy));
    }

    /** Whether the bundle is chosen by the peer's trust domain. */
    public boolean isPerTrustDomain() {
        return byDomain != null;
    }

    /** The bundle for a peer of {@code trustDomain}, or null when none vouches for it. */
    public TrustBundle bundleFor(String trustDomain) {
        return shared != null ? shared : byDomain.get(trustDomain);
    }

    /** The PKIX anchors of {@link #bundleFor}, computed once. */
    Set<TrustAnchor> anchorsFor(String trustDomain) {
        return shared != null ? sharedAnchors : anchorsByDomain.get(trustDomain);
    }

    /**
     * The trust domains trusted, for refusal messages: the configured names per domain, or the
     * names the shared bundle's CAs carry (possibly none).
     */
    public Set<String> trustDomains() {
        return shared != null ? shared.trustDomains() : new TreeSet<>(byDomain.keySet());
    }

    /** The bundles per trust domain (empty for a shared bundle). */
    public Map<String, TrustBundle> bundlesByTrustDomain() {
        return byDomain == null ? Map.of() : byDomain;
    }

    @Override
    public String toString() {
        return shared != null ? "PeerTrust[" + shared.certificates().size() + " CA(s)]"
                : "PeerTrust[per trust domain: " + String.join(", ", new TreeSet<>(byDomain.keySet())) + "]";
    }
}
