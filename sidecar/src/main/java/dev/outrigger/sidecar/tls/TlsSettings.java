package dev.outrigger.sidecar.tls;

import java.util.List;
import java.util.Objects;

/**
 * How one side of a connection speaks TLS, from Envoy's {@code DownstreamTlsContext} (a listener's
 * filter chain) or {@code UpstreamTlsContext} (a cluster). Immutable.
 *
 * @param certificate what this side presents; required on a listener, optional toward a cluster
 * @param trust what the peer's chain must lead to, or null (a listener that does not ask for client
 *     certificates)
 * @param peerSans rules the peer's SPIFFE ID must meet (any one), empty for any ID the trust bundle vouches for
 * @param requireClientCertificate a listener refuses clients without a valid certificate
 * @param alpn the ALPN protocols offered, in preference order; empty for none
 * @param sni the server name sent to a cluster's endpoints, "" for none
 * @param minVersion the lowest TLS version, "TLSv1.2" or "TLSv1.3"
 * @param maxVersion the highest TLS version, "TLSv1.2" or "TLSv1.3"
 */
public record TlsSettings(CredentialRef certificate, TrustRef trust, List<SanMatcher> peerSans,
        boolean requireClientCertificate, List<String> alpn, String sni, String minVersion, String maxVersion) {

    public TlsSettings {
        peerSans = List.copyOf(peerSans);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(sni, "sni");
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(maxVersion, "maxVersion");
    }

    /** Names of the SDS secrets these settings use (certificate, trust bundle), for SDS subscriptions. */
    public List<String> sdsNames() {
        java.util.List<String> names = new java.util.ArrayList<>(2);
        if (certificate instanceof CredentialRef.Sds s) {
            names.add(s.name());
        }
        if (trust instanceof TrustRef.Sds s) {
            names.add(s.name());
        }
        return names;
    }
}
