package dev.outrigger.mtls;

import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CA certificates a peer's chain must lead to: usually a trust domain's root, perhaps several
 * during a CA rotation.
 *
 * @param certificates the CA certificates, at least one, each with the CA basic constraint
 */
public record TrustBundle(List<X509Certificate> certificates) {

    /** Copies the list; throws {@link IllegalArgumentException} if it is empty or holds a non-CA certificate. */
    public TrustBundle {
        if (certificates == null || certificates.isEmpty()) {
            throw new IllegalArgumentException("a trust bundle needs at least one CA certificate");
        }
        certificates = List.copyOf(certificates);
        for (int i = 0; i < certificates.size(); i++) {
            if (certificates.get(i).getBasicConstraints() < 0) {
                // A common mistake is pointing the bundle at a workload's cert.pem.
                throw new IllegalArgumentException("certificate " + (i + 1) + " ("
                        + certificates.get(i).getSubjectX500Principal().getName() + ") is not a CA certificate");
            }
        }
    }

    /** The bundle in a PEM file. */
    public static TrustBundle read(Path file) throws CredentialException {
        return parse(Pem.readFile(file), file.toString());
    }

    /** The bundle in PEM {@code text}; {@code source} names it in errors. */
    public static TrustBundle parse(String text, String source) throws CredentialException {
        try {
            return new TrustBundle(Pem.parseCertificates(text, source));
        } catch (IllegalArgumentException e) {
            throw new CredentialException(source, e.getMessage());
        }
    }

    /** A bundle of the given CA certificates. */
    public static TrustBundle of(X509Certificate... certificates) {
        return new TrustBundle(List.of(certificates));
    }

    /** The certificates as PKIX trust anchors. */
    public Set<TrustAnchor> trustAnchors() {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate certificate : certificates) {
            anchors.add(new TrustAnchor(certificate, null));
        }
        return anchors;
    }

    /**
     * The trust domains the CAs name in their {@code spiffe://} URI SANs, sorted; empty if none
     * does (the SAN is optional on signing certificates). Used to explain refusals.
     */
    public Set<String> trustDomains() {
        Set<String> domains = new TreeSet<>();
        for (X509Certificate certificate : certificates) {
            SpiffeId.fromCertificate(certificate).ifPresent(id -> domains.add(id.trustDomain()));
        }
        return domains;
    }

    /** Whether {@code certificate} is one of this bundle's. */
    public boolean contains(X509Certificate certificate) {
        return certificates.contains(certificate);
    }

    /** The bundle as PEM. */
    public String toPem() {
        return Pem.writeCertificates(certificates);
    }
}
