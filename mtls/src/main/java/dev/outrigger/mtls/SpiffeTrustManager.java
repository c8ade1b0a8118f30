package dev.outrigger.mtls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a TLS peer whose chain leads, by PKIX without revocation checks, to a CA of a
 * {@link TrustBundle} (shared, or chosen by the trust domain of the peer's SPIFFE ID, see
 * {@link PeerTrust}) and whose leaf's SPIFFE ID is {@link AllowedPeers allowed}; refusals are
 * {@link PeerRefusedException}s naming the reason. Serves both ends of a connection; immutable
 * and thread-safe. Host names are never checked: mesh identities are SPIFFE IDs, not DNS names.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    /** Which end of the connection the certificate being checked belongs to. */
    public enum Peer {
        /** A client, checked by a server. */
        CLIENT("client", "1.3.6.1.5.5.7.3.2"),
        /** A server, checked by a client. */
        SERVER("server", "1.3.6.1.5.5.7.3.1");

        private final String role;
        private final String keyPurpose;

        Peer(String role, String keyPurpose) {
            this.role = role;
            this.keyPurpose = keyPurpose;
        }
    }

    private static final String ANY_KEY_PURPOSE = "2.5.29.37.0";
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final PeerTrust trust;
    private final AllowedPeers allowed;
    private final Clock clock;

    /** Checks peers against {@code bundle} and {@code allowed} at the system clock's time. */
    public SpiffeTrustManager(TrustBundle bundle, AllowedPeers allowed) {
        this(bundle, allowed, Clock.systemUTC());
    }

    /** Checks peers against {@code bundle} and {@code allowed} at {@code clock}'s time. */
    public SpiffeTrustManager(TrustBundle bundle, AllowedPeers allowed, Clock clock) {
        this(bundle == null ? null : PeerTrust.of(bundle), allowed, clock);
    }

    /** Checks peers against {@code trust} and {@code allowed} at the system clock's time. */
    public SpiffeTrustManager(PeerTrust trust, AllowedPeers allowed) {
        this(trust, allowed, Clock.systemUTC());
    }

    /** Checks peers against {@code trust} and {@code allowed} at {@code clock}'s time. */
    public SpiffeTrustManager(PeerTrust trust, AllowedPeers allowed, Clock clock) {
        if (trust == null || allowed == null || clock == null) {
            throw new IllegalArgumentException("a trust manager needs a trust bundle, allowed peers and a clock");
        }
        this.trust = trust;
        this.allowed = allowed;
        this.clock = clock;
    }

    /** The CAs trusted. */
    public PeerTrust trust() {
        return trust;
    }

    /** The peers allowed. */
    public AllowedPeers allowed() {
        return allowed;
    }

    /**
     * Checks a peer's chain (leaf first) and returns its SPIFFE ID; throws a
     * {@link PeerRefusedException} naming the first problem found.
     */
    public SpiffeId verify(X509Certificate[] chain, Peer peer) throws PeerRefusedException {
        if (chain == null || chain.length == 0) {
            throw new PeerRefusedException(PeerRefusedException.Kind.NO_CERTIFICATE, "no " + peer.role + " certificate");
        }
        X509Certificate leaf = chain[0];
        if (leaf.getBasicConstraints() >= 0) {
            throw new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE, "certificate is a CA certificate, not a workload's");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && (usage[KEY_CERT_SIGN] || usage[CRL_SIGN])) {
            // X.509-SVID: a leaf must not be able to sign certificates or CRLs.
            throw new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE,
                    "certificate may sign certificates or CRLs (key usage keyCertSign/cRLSign), not a workload's");
        }
        Instant now = clock.instant();
        String validity = CertifiedKey.validityProblem(leaf, now);
        if (validity != null) {
            throw new PeerRefusedException(now.isAfter(leaf.getNotAfter().toInstant())
                    ? PeerRefusedException.Kind.EXPIRED : PeerRefusedException.Kind.NOT_YET_VALID, validity);
        }
        Optional<SpiffeId> id = SpiffeId.fromCertificate(leaf);
        if (trust.isPerTrustDomain()) {
            // The trust domain picks the bundle, so it is read before the chain is checked.
            String domain = id.orElseThrow(SpiffeTrustManager::noSpiffeId).trustDomain();
            if (trust.bundleFor(domain) == null) {
                throw new PeerRefusedException(PeerRefusedException.Kind.UNKNOWN_CA, "trust domain " + domain
                        + " is not trusted (trusted: " + String.join(", ", trust.trustDomains()) + ")");
            }
            validatePath(chain, domain);
        } else {
            validatePath(chain, null);
        }
        checkKeyPurpose(leaf, peer);
        if (id.isEmpty()) {
            throw noSpiffeId();
        }
        if (!allowed.allows(id.get())) {
            throw new PeerRefusedException(PeerRefusedException.Kind.NOT_ALLOWED, "SPIFFE ID " + id.get() + " is not allowed (expected " + allowed.describe() + ")");
        }
        return id.get();
    }

    private static PeerRefusedException noSpiffeId() {
        return new PeerRefusedException(PeerRefusedException.Kind.NO_SPIFFE_ID,
                "certificate has no SPIFFE ID (an X.509-SVID has exactly one spiffe:// URI SAN)");
    }

    private void validatePath(X509Certificate[] chain, String domain) throws PeerRefusedException {
        TrustBundle bundle = trust.bundleFor(domain);
        // PKIX wants the path without its trust anchor; peers may or may not send their root.
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (bundle.contains(certificate)) {
                break;
            }
            path.add(certificate);
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(trust.anchorsFor(domain));
            // Mesh certificates live for hours; revocation is by expiry, and checking it would mean network calls.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw pathProblem(e, path, domain);
        } catch (GeneralSecurityException e) {
            throw new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE, "certificate chain cannot be checked: " + e.getMessage(), e);
        }
    }

    private PeerRefusedException pathProblem(CertPathValidatorException e, List<X509Certificate> path, String bundleDomain) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == PKIXReason.NO_TRUST_ANCHOR || reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            // A bad signature under a trusted CA's name means another CA that took the same name.
            String domain = SpiffeId.fromCertificate(path.get(0)).map(SpiffeId::trustDomain).orElse("unknown");
            if (bundleDomain != null) {
                return new PeerRefusedException(PeerRefusedException.Kind.UNKNOWN_CA, "issued by a CA not in the bundle of trust domain "
                        + bundleDomain, e);
            }
            Set<String> trusted = trust.trustDomains();
            return new PeerRefusedException(PeerRefusedException.Kind.UNKNOWN_CA, "issued by an unknown CA (trust domain "
                    + domain + (trusted.isEmpty() ? "" : "; trusted: " + String.join(", ", trusted)) + ")", e);
        }
        int index = e.getIndex();
        if (index > 0 && index < path.size()) {
            X509Certificate ca = path.get(index);
            String which = "CA certificate " + ca.getSubjectX500Principal().getName();
            if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
                return new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE,
                        which + " in the chain expired at " + ca.getNotAfter().toInstant(), e);
            }
            if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE,
                        which + " in the chain is not valid before " + ca.getNotBefore().toInstant(), e);
            }
        }
        return new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE,
                "certificate chain is not valid: " + e.getMessage(), e);
    }

    private static void checkKeyPurpose(X509Certificate leaf, Peer peer) throws PeerRefusedException {
        List<String> purposes;
        try {
            purposes = leaf.getExtendedKeyUsage();
        } catch (CertificateException e) {
            throw new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE, "certificate has an unreadable extended key usage", e);
        }
        if (purposes != null && !purposes.contains(peer.keyPurpose) && !purposes.contains(ANY_KEY_PURPOSE)) {
            throw new PeerRefusedException(PeerRefusedException.Kind.BAD_CERTIFICATE, "certificate is not for TLS " + peer.role + " authentication (extended key usage)");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, Peer.CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, Peer.CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain, Peer.CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, Peer.SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, Peer.SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain, Peer.SERVER);
    }

    /**
     * None: a server then sends no CA names in its certificate request, so a client always
     * presents its one identity and a foreign certificate is refused here with a reason, instead
     * of the client silently sending none because its issuer was not in the list.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
