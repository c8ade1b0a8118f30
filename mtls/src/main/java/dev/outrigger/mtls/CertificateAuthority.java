package dev.outrigger.mtls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A certificate authority for one SPIFFE trust domain: a root, or an intermediate under it, that
 * issues workload certificates; immutable and thread-safe.
 */
public final class CertificateAuthority {

    /** The CA's chain in its directory: the signing CA first, the root last. */
    public static final String CHAIN_FILE = "ca.pem";
    /** The signing CA's private key in its directory (PKCS#8, mode 0600). */
    public static final String KEY_FILE = "ca-key.pem";
    /** How far before "now" a new certificate starts, so peers whose clocks run a little behind accept it. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private static final String CSR_SOURCE = "CSR";

    private final String trustDomain;
    private final CertifiedKey signer;
    private final Clock clock;

    private CertificateAuthority(String trustDomain, CertifiedKey signer, Clock clock) {
        this.trustDomain = trustDomain;
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * A new self-signed root for {@code trustDomain}, valid from {@link #CLOCK_SKEW} before now
     * for {@code ttl}; throws {@link IllegalArgumentException} for a bad trust domain name.
     */
    public static CertificateAuthority createRoot(String trustDomain, KeyType keyType, Duration ttl, Clock clock) {
        SpiffeId.ofTrustDomain(trustDomain);
        KeyPair keys = keyType.generate();
        X509Certificate root = Certificates.root(trustDomain, keys.getPublic(), keys.getPrivate(), validity(clock, ttl));
        return new CertificateAuthority(trustDomain, new CertifiedKey(keys.getPrivate(), List.of(root)), clock);
    }

    /** A new intermediate CA signed by this one; it can issue workload certificates but no further CAs. */
    public CertificateAuthority createIntermediate(KeyType keyType, Duration ttl) {
        KeyPair keys = keyType.generate();
        X509Certificate intermediate = Certificates.intermediate(trustDomain, keys.getPublic(), signer,
                checkedValidity(ttl, "intermediate CA"));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(intermediate);
        chain.addAll(signer.chain());
        return new CertificateAuthority(trustDomain, new CertifiedKey(keys.getPrivate(), chain), clock);
    }

    /**
     * Loads the CA saved in {@code dir} by {@link #save}; errors name the file and the problem
     * (missing, malformed, key not matching, no trust domain, chain not ending in a root).
     */
    public static CertificateAuthority load(Path dir, Clock clock) throws CredentialException {
        Path chainFile = dir.resolve(CHAIN_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        CertifiedKey signer = CertifiedKey.read(chainFile, keyFile);
        X509Certificate ca = signer.leaf();
        if (ca.getBasicConstraints() < 0) {
            throw new CredentialException(chainFile.toString(), "the first certificate is not a CA certificate");
        }
        Optional<SpiffeId> id = SpiffeId.fromCertificate(ca);
        if (id.isEmpty() || !id.get().path().isEmpty()) {
            throw new CredentialException(chainFile.toString(),
                    "the CA certificate names no trust domain (it needs one spiffe://TRUST-DOMAIN URI SAN)");
        }
        X509Certificate last = signer.chain().get(signer.chain().size() - 1);
        if (!last.getIssuerX500Principal().equals(last.getSubjectX500Principal())) {
            throw new CredentialException(chainFile.toString(), "the chain must end with the self-signed root");
        }
        return new CertificateAuthority(id.get().trustDomain(), signer, clock);
    }

    /** Whether {@code dir} holds a saved CA (either of its files). */
    public static boolean existsIn(Path dir) {
        return Files.exists(dir.resolve(CHAIN_FILE)) || Files.exists(dir.resolve(KEY_FILE));
    }

    /** Writes {@link #CHAIN_FILE} and {@link #KEY_FILE} (owner-only) into {@code dir}, creating it, replacing old files. */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeSecret(dir.resolve(KEY_FILE), Pem.writePrivateKey(signer.key()));
        AtomicFiles.write(dir.resolve(CHAIN_FILE), signer.chainPem());
    }

    /** This CA using {@code clock} for the validity of what it issues (tests make expired certificates this way). */
    public CertificateAuthority withClock(Clock clock) {
        return new CertificateAuthority(trustDomain, signer, clock);
    }

    /** The trust domain, e.g. {@code example.org}. */
    public String trustDomain() {
        return trustDomain;
    }

    /** The signing CA's key and chain (the signing certificate first, the root last). */
    public CertifiedKey signer() {
        return signer;
    }

    /** The root certificate. */
    public X509Certificate root() {
        return signer.chain().get(signer.chain().size() - 1);
    }

    /** A bundle of this CA's root: what peers of its workloads trust. */
    public TrustBundle trustBundle() {
        return TrustBundle.of(root());
    }

    /** A new EC P-256 key and a certificate for {@code id}, valid for {@code ttl}. */
    public CertifiedKey issue(SpiffeId id, Duration ttl) {
        return issue(id, ttl, KeyType.EC);
    }

    /**
     * A new key of {@code keyType} and a certificate for {@code id}, valid from {@link #CLOCK_SKEW}
     * before now for {@code ttl}; the chain is the leaf and the intermediates (not the root).
     * Throws {@link IllegalArgumentException} if {@code id} is of another trust domain, or if the
     * certificate would outlive the CA.
     */
    public CertifiedKey issue(SpiffeId id, Duration ttl, KeyType keyType) {
        checkTrustDomain(id);
        Certificates.Validity validity = checkedValidity(ttl, id.toString());
        KeyPair keys = keyType.generate();
        return new CertifiedKey(keys.getPrivate(), chainFor(Certificates.leaf(id, keys.getPublic(), signer, validity)));
    }

    /**
     * Signs a PKCS#10 request in PEM. Only its public key and the SPIFFE ID it requests (its one
     * URI SAN) are used; subject and other extensions are ignored. Returns the leaf and the
     * intermediates. Throws naming {@code CSR} if the request is malformed, not self-signed by its
     * key, requests no or several URI SANs, or an ID of another trust domain.
     */
    public List<X509Certificate> signCsr(String csrPem, Duration ttl) throws CredentialException {
        PKCS10CertificationRequest csr = Pem.parseCsr(csrPem, CSR_SOURCE);
        Pem.checkSupported(csr.getSubjectPublicKeyInfo().getAlgorithm(), CSR_SOURCE);
        PublicKey publicKey;
        try {
            // JcaPEMKeyConverter maps the key's OID to a JDK algorithm name; the JDK's KeyFactory knows no OIDs.
            publicKey = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new CredentialException(CSR_SOURCE, "its signature does not verify with its public key");
            }
        } catch (IOException | OperatorCreationException | PKCSException e) {
            throw new CredentialException(CSR_SOURCE, "cannot check its signature: " + e.getMessage(), e);
        }
        if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new CredentialException(CSR_SOURCE, "RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too small (2048 minimum)");
        }
        SpiffeId id = requestedId(csr);
        try {
            checkTrustDomain(id);
            return chainFor(Certificates.leaf(id, publicKey, signer, checkedValidity(ttl, id.toString())));
        } catch (IllegalArgumentException e) {
            throw new CredentialException(CSR_SOURCE, e.getMessage());
        }
    }

    private static SpiffeId requestedId(PKCS10CertificationRequest csr) throws CredentialException {
        List<String> uris = new ArrayList<>();
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (names == null) {
                    continue;
                }
                for (GeneralName name : names.getNames()) {
                    if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        uris.add(DERIA5String.getInstance(name.getName()).getString());
                    }
                }
            }
        }
        if (uris.size() != 1) {
            throw new CredentialException(CSR_SOURCE, uris.isEmpty()
                    ? "it requests no SPIFFE ID (it needs one spiffe:// URI SAN)"
                    : "it requests " + uris.size() + " URI SANs; a workload has exactly one SPIFFE ID");
        }
        try {
            return SpiffeId.parse(uris.get(0));
        } catch (IllegalArgumentException e) {
            throw new CredentialException(CSR_SOURCE, e.getMessage());
        }
    }

    private void checkTrustDomain(SpiffeId id) {
        if (!id.isMemberOf(trustDomain)) {
            throw new IllegalArgumentException(id + " is not in trust domain " + trustDomain
                    + ", the only one this CA issues for");
        }
    }

    private List<X509Certificate> chainFor(X509Certificate leaf) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        // Peers hold the root in their trust bundle; sending it would only make handshakes bigger.
        chain.addAll(signer.chain().subList(0, signer.chain().size() - 1));
        return chain;
    }

    private Certificates.Validity checkedValidity(Duration ttl, String what) {
        Certificates.Validity validity = validity(clock, ttl);
        Instant now = clock.instant();
        String problem = CertifiedKey.validityProblem(signer.leaf(), now);
        if (problem != null) {
            throw new IllegalArgumentException("cannot issue for " + what + ": the CA's " + problem);
        }
        if (validity.notAfter().isAfter(signer.notAfter())) {
            throw new IllegalArgumentException("cannot issue for " + what + " with TTL " + ttl
                    + ": it would outlive the CA, which expires at " + signer.notAfter());
        }
        return validity;
    }

    private static Certificates.Validity validity(Clock clock, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("TTL must be positive, got " + ttl);
        }
        Instant now = clock.instant();
        return new Certificates.Validity(now.minus(CLOCK_SKEW), now.plus(ttl));
    }
}
