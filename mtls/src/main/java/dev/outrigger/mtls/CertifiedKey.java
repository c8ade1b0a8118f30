package dev.outrigger.mtls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A private key with its certificate chain (leaf first, then intermediates; the root may be left
 * out), checked on construction to belong together.
 *
 * @param key   the leaf certificate's private key
 * @param chain the leaf first, then the certificates that issued it
 */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    private static final byte[] PROOF = "outrigger: does this key match its certificate?".getBytes(StandardCharsets.US_ASCII);

    /**
     * Copies the chain and checks that it is not empty and that {@code key} matches the leaf's
     * public key; throws {@link IllegalArgumentException} ("private key does not match the
     * certificate") if not.
     */
    public CertifiedKey {
        if (key == null) {
            throw new IllegalArgumentException("no private key");
        }
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
        chain = List.copyOf(chain);
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("private key does not match the certificate "
                    + SpiffeId.fromCertificate(chain.get(0)).map(Object::toString)
                    .orElse(chain.get(0).getSubjectX500Principal().getName()));
        }
    }

    /**
     * Reads a chain and a key from PEM files and checks that they match; errors name the files.
     * The validity period is not checked here: see {@link #checkValidAt(Instant, String)}.
     */
    public static CertifiedKey read(Path chainFile, Path keyFile) throws CredentialException {
        List<X509Certificate> chain = Pem.readCertificates(chainFile);
        return of(Pem.readPrivateKey(keyFile), chain, chainFile + " and " + keyFile);
    }

    /** Like the constructor, but a mismatch is a {@link CredentialException} naming {@code source}. */
    public static CertifiedKey of(PrivateKey key, List<X509Certificate> chain, String source) throws CredentialException {
        try {
            return new CertifiedKey(key, chain);
        } catch (IllegalArgumentException e) {
            throw new CredentialException(source, e.getMessage());
        }
    }

    /** The leaf: the certificate this key proves. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The leaf's SPIFFE ID; empty if it has none (see {@link SpiffeId#fromCertificate}). */
    public Optional<SpiffeId> spiffeId() {
        return SpiffeId.fromCertificate(leaf());
    }

    /** When the leaf expires. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** When the leaf starts being valid. */
    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    /** The leaf's serial number. */
    public BigInteger serial() {
        return leaf().getSerialNumber();
    }

    /** The certificate chain as PEM. */
    public String chainPem() {
        return Pem.writeCertificates(chain);
    }

    /**
     * Throws if the leaf is not valid at {@code now}: "certificate expired at T" or "certificate
     * not valid before T", with {@code source} naming where it came from.
     */
    public void checkValidAt(Instant now, String source) throws CredentialException {
        String problem = validityProblem(leaf(), now);
        if (problem != null) {
            throw new CredentialException(source, problem);
        }
    }

    /** "certificate expired at T" / "certificate not valid before T", or null if valid at {@code now}. */
    static String validityProblem(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            return "certificate expired at " + notAfter;
        }
        if (now.isBefore(notBefore)) {
            return "certificate not valid before " + notBefore;
        }
        return null;
    }

    /** Signs with {@code key} and verifies with the certificate: works for any algorithm pair, unlike comparing encodings. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROOF);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROOF);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
