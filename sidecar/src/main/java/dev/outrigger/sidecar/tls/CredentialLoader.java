package dev.outrigger.sidecar.tls;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.PeerTrust;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.TrustBundle;
import dev.outrigger.sidecar.secret.SecretConfig;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads what a {@link TlsSettings} refers to: its certificate and its trust, from files, inline
 * PEM, or the SDS secrets received so far; and lists the files involved, to watch them.
 */
final class CredentialLoader {

    private final Map<String, SecretConfig> secrets;

    /** Resolves SDS references against {@code secrets}, a live map. */
    CredentialLoader(Map<String, SecretConfig> secrets) {
        this.secrets = secrets;
    }

    CertifiedKey identity(CredentialRef ref) throws CredentialException {
        if (ref instanceof CredentialRef.Files f) {
            return CertifiedKey.read(f.chain(), f.key());
        }
        if (ref instanceof CredentialRef.Inline i) {
            return CertifiedKey.of(Pem.parsePrivateKey(i.key(), Pem.INLINE),
                    Pem.parseCertificates(i.chain(), Pem.INLINE), Pem.INLINE);
        }
        String name = ((CredentialRef.Sds) ref).name();
        SecretConfig secret = secrets.get(name);
        String where = "SDS secret " + name;
        if (secret == null || secret.certificate() == null) {
            throw new CredentialException(where, "no tls_certificate received");
        }
        return CertifiedKey.of(key(secret.certificate().privateKey(), where),
                certificates(secret.certificate().chain(), where), where);
    }

    PeerTrust trust(TrustRef ref) throws CredentialException {
        if (ref instanceof TrustRef.File f) {
            return PeerTrust.of(TrustBundle.read(f.bundle()));
        }
        if (ref instanceof TrustRef.Inline i) {
            return PeerTrust.of(TrustBundle.parse(i.bundle(), Pem.INLINE));
        }
        if (ref instanceof TrustRef.Spiffe s) {
            return SpiffeBundles.load(s.trust(), "SPIFFE validator");
        }
        String name = ((TrustRef.Sds) ref).name();
        SecretConfig secret = secrets.get(name);
        String where = "SDS secret " + name;
        if (secret == null || secret.validation() == null) {
            throw new CredentialException(where, "no validation_context received");
        }
        if (secret.validation().spiffe() != null) {
            return SpiffeBundles.load(secret.validation().spiffe(), where);
        }
        SecretConfig.PemSource ca = secret.validation().trustedCa();
        return PeerTrust.of(ca.inline() != null ? TrustBundle.parse(ca.inline(), where) : TrustBundle.read(ca.file()));
    }

    /** Every file {@code settings} reads now, SDS secrets that name files included. */
    List<Path> files(TlsSettings settings) {
        List<Path> paths = new ArrayList<>();
        CredentialRef cert = settings.certificate();
        if (cert instanceof CredentialRef.Files f) {
            paths.add(f.chain());
            paths.add(f.key());
        } else if (cert instanceof CredentialRef.Sds s) {
            SecretConfig secret = secrets.get(s.name());
            if (secret != null && secret.certificate() != null) {
                addFile(paths, secret.certificate().chain());
                addFile(paths, secret.certificate().privateKey());
            }
        }
        TrustRef trust = settings.trust();
        if (trust instanceof TrustRef.File f) {
            paths.add(f.bundle());
        } else if (trust instanceof TrustRef.Spiffe s) {
            paths.addAll(s.trust().files());
        } else if (trust instanceof TrustRef.Sds s) {
            SecretConfig secret = secrets.get(s.name());
            if (secret != null && secret.validation() != null) {
                if (secret.validation().spiffe() != null) {
                    paths.addAll(secret.validation().spiffe().files());
                } else {
                    addFile(paths, secret.validation().trustedCa());
                }
            }
        }
        return paths;
    }

    private static void addFile(List<Path> paths, SecretConfig.PemSource pem) {
        if (pem.file() != null) {
            paths.add(pem.file());
        }
    }

    private static List<X509Certificate> certificates(SecretConfig.PemSource pem, String where)
            throws CredentialException {
        return pem.inline() != null ? Pem.parseCertificates(pem.inline(), where) : Pem.readCertificates(pem.file());
    }

    private static PrivateKey key(SecretConfig.PemSource pem, String where) throws CredentialException {
        return pem.inline() != null ? Pem.parsePrivateKey(pem.inline(), where) : Pem.readPrivateKey(pem.file());
    }
}
