package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CA: roots, intermediates, workload certificates of the X.509-SVID profile, CSRs, and its directory. */
class CertificateAuthorityTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void createsASelfSignedRoot(KeyType type) throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        CertificateAuthority ca = CertificateAuthority.createRoot("example.org", type, Duration.ofDays(365),
                Clock.fixed(now, ZoneOffset.UTC));
        X509Certificate root = ca.root();
        assertEquals(type.name(), root.getPublicKey().getAlgorithm());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        root.verify(root.getPublicKey());
        assertEquals(Integer.MAX_VALUE, root.getBasicConstraints(), "a CA with no path length limit");
        assertTrue(root.getKeyUsage()[5] && root.getKeyUsage()[6], "keyCertSign and cRLSign");
        assertEquals(Optional.of(SpiffeId.ofTrustDomain("example.org")), SpiffeId.fromCertificate(root));
        assertEquals(now.minus(CertificateAuthority.CLOCK_SKEW), root.getNotBefore().toInstant());
        assertEquals(now.plus(Duration.ofDays(365)), root.getNotAfter().toInstant());
        assertEquals(List.of(root), ca.trustBundle().certificates());
        assertEquals(List.of(root), ca.signer().chain());
    }

    @Test
    void createsAnIntermediateThatCanSignLeavesOnly() throws Exception {
        CertificateAuthority root = TestPki.root("example.org");
        CertificateAuthority intermediate = root.createIntermediate(KeyType.EC, Duration.ofDays(5));
        X509Certificate ca = intermediate.signer().leaf();
        ca.verify(root.root().getPublicKey());
        assertEquals(0, ca.getBasicConstraints(), "path length 0");
        assertEquals(List.of(ca, root.root()), intermediate.signer().chain());
        assertEquals(root.root(), intermediate.root());
        assertEquals("example.org", intermediate.trustDomain());
        assertNotEquals(root.root().getSubjectX500Principal(), ca.getSubjectX500Principal());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void issuesAnX509SvidForASpiffeId(KeyType type) throws Exception {
        Instant now = Instant.now();
        CertificateAuthority root = TestPki.root("example.org");
        CertificateAuthority intermediate = root.createIntermediate(KeyType.EC, Duration.ofDays(5))
                .withClock(Clock.fixed(now, ZoneOffset.UTC));
        CertifiedKey web = intermediate.issue(TestPki.id("ns/shop/sa/web"), Duration.ofHours(24), type);
        X509Certificate leaf = web.leaf();

        assertEquals(List.of(leaf, intermediate.signer().leaf()), web.chain(), "leaf and intermediate, no root");
        leaf.verify(intermediate.signer().leaf().getPublicKey());
        assertEquals(List.of("spiffe://example.org/ns/shop/sa/web"), SpiffeId.uriSans(leaf));
        assertTrue(leaf.getCriticalExtensionOIDs().contains(Extension.subjectAlternativeName.getId()),
                "the SAN is critical: the subject is empty");
        assertEquals("", leaf.getSubjectX500Principal().getName());
        assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), leaf.getExtendedKeyUsage());
        boolean[] usage = leaf.getKeyUsage();
        assertTrue(usage[0], "digitalSignature");
        assertEquals(type == KeyType.RSA, usage[2], "keyEncipherment for RSA only");
        assertFalse(usage[5], "no keyCertSign");
        assertEquals(now.minus(CertificateAuthority.CLOCK_SKEW).getEpochSecond(), leaf.getNotBefore().toInstant().getEpochSecond());
        assertEquals(now.plus(Duration.ofHours(24)).getEpochSecond(), leaf.getNotAfter().toInstant().getEpochSecond());
        assertTrue(leaf.getSerialNumber().signum() > 0);
        assertTrue(leaf.getSerialNumber().bitLength() <= 128);
        assertArrayEquals(intermediate.signer().leaf().getExtensionValue(Extension.subjectKeyIdentifier.getId()).length > 0
                ? keyId(intermediate.signer().leaf(), Extension.subjectKeyIdentifier) : null,
                keyId(leaf, Extension.authorityKeyIdentifier), "AKI names the issuer's SKI");
        assertTrue(leaf.getExtensionValue(Extension.subjectKeyIdentifier.getId()) != null);
    }

    @Test
    void serialsAreRandomAndDistinct() {
        CertificateAuthority ca = TestPki.root("example.org");
        Set<BigInteger> serials = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> ca.issue(TestPki.id("w"), Duration.ofMinutes(5)).serial()).collect(Collectors.toSet());
        assertEquals(50, serials.size());
        assertTrue(serials.stream().anyMatch(s -> s.bitLength() > 120), "128 random bits, not a counter");
    }

    @Test
    void refusesOtherTrustDomainsAndCertificatesOutlivingTheCa() {
        CertificateAuthority ca = TestPki.root("example.org");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> ca.issue(SpiffeId.parse("spiffe://other.test/web"), Duration.ofHours(1)));
        assertEquals("spiffe://other.test/web is not in trust domain example.org, the only one this CA issues for",
                other.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ca.issue(TestPki.id("web"), Duration.ofDays(365)));
        assertTrue(tooLong.getMessage().startsWith("cannot issue for spiffe://example.org/web with TTL PT8760H: "
                + "it would outlive the CA, which expires at "), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ca.issue(TestPki.id("web"), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.createRoot("Example.org", KeyType.EC,
                Duration.ofDays(1), Clock.systemUTC()));
    }

    @Test
    void signsACsrWithTheIdItRequestsAndNothingElse() throws Exception {
        CertificateAuthority ca = TestPki.root("example.org").createIntermediate(KeyType.EC, Duration.ofDays(5));
        KeyPair keys = KeyType.EC.generate();
        List<X509Certificate> chain = ca.signCsr(csr(keys, "CN=ignored,O=also ignored", "spiffe://example.org/api"),
                Duration.ofHours(1));
        X509Certificate leaf = chain.get(0);
        assertEquals(keys.getPublic(), leaf.getPublicKey());
        assertEquals(List.of("spiffe://example.org/api"), SpiffeId.uriSans(leaf));
        assertEquals("", leaf.getSubjectX500Principal().getName(), "the CA decides the subject");
        assertEquals(List.of(leaf, ca.signer().leaf()), chain);
        new CertifiedKey(keys.getPrivate(), chain);
    }

    @Test
    void refusesCsrsForOtherTrustDomainsOrWithoutOneSpiffeId() throws Exception {
        CertificateAuthority ca = TestPki.root("example.org");
        KeyPair keys = KeyType.EC.generate();
        CredentialAssertions.assertProblem("CSR: spiffe://other.test/api is not in trust domain example.org",
                () -> ca.signCsr(csr(keys, "CN=x", "spiffe://other.test/api"), Duration.ofHours(1)));
        CredentialAssertions.assertProblem("CSR: it requests no SPIFFE ID", () -> ca.signCsr(csr(keys, "CN=x"), Duration.ofHours(1)));
        CredentialAssertions.assertProblem("CSR: it requests 2 URI SANs", () -> ca.signCsr(
                csr(keys, "CN=x", "spiffe://example.org/a", "spiffe://example.org/b"), Duration.ofHours(1)));
        CredentialAssertions.assertProblem("CSR: 'spiffe://example.org/a/' is not a SPIFFE ID",
                () -> ca.signCsr(csr(keys, "CN=x", "spiffe://example.org/a/"), Duration.ofHours(1)));
        CredentialAssertions.assertProblem("CSR: no CERTIFICATE REQUEST in the text", () -> ca.signCsr("", Duration.ofHours(1)));
        KeyPair thief = KeyType.EC.generate();
        CredentialAssertions.assertProblem("CSR: its signature does not verify with its public key", () -> ca.signCsr(
                csr(keys, thief, "CN=x", "spiffe://example.org/api"), Duration.ofHours(1)));
    }

    @Test
    void savesAndLoadsItsDirectory() throws Exception {
        CertificateAuthority ca = TestPki.root("example.org").createIntermediate(KeyType.EC, Duration.ofDays(5));
        Path caDir = dir.resolve("ca");
        assertFalse(CertificateAuthority.existsIn(caDir));
        ca.save(caDir);
        assertTrue(CertificateAuthority.existsIn(caDir));
        assertTrue(AtomicFiles.isOwnerOnly(caDir.resolve(CertificateAuthority.KEY_FILE)), "the key is 0600");
        assertTrue(Files.readString(caDir.resolve(CertificateAuthority.KEY_FILE)).startsWith("-----BEGIN PRIVATE KEY-----"));

        CertificateAuthority loaded = CertificateAuthority.load(caDir, Clock.systemUTC());
        assertEquals("example.org", loaded.trustDomain());
        assertEquals(ca.signer().chain(), loaded.signer().chain());
        assertEquals(ca.root(), loaded.root());
        CertifiedKey web = loaded.issue(TestPki.id("web"), Duration.ofHours(1));
        web.leaf().verify(ca.signer().leaf().getPublicKey());
    }

    @Test
    void loadNamesTheMissingOrBrokenFile() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CredentialAssertions.assertProblem(empty.resolve("ca.pem") + ": cannot read: no such file",
                () -> CertificateAuthority.load(empty, Clock.systemUTC()));

        CertificateAuthority ca = TestPki.root("example.org");
        ca.save(dir.resolve("leafy"));
        CertifiedKey web = ca.issue(TestPki.id("web"), Duration.ofHours(1));
        Files.writeString(dir.resolve("leafy").resolve("ca.pem"), web.chainPem());
        Files.writeString(dir.resolve("leafy").resolve("ca-key.pem"), Pem.writePrivateKey(web.key()));
        CredentialAssertions.assertProblem(dir.resolve("leafy").resolve("ca.pem") + ": the first certificate is not a CA certificate",
                () -> CertificateAuthority.load(dir.resolve("leafy"), Clock.systemUTC()));
    }

    private static byte[] keyId(X509Certificate certificate, org.bouncycastle.asn1.ASN1ObjectIdentifier extension) {
        byte[] der = certificate.getExtensionValue(extension.getId());
        byte[] inner = org.bouncycastle.asn1.ASN1OctetString.getInstance(der).getOctets();
        if (extension.equals(Extension.subjectKeyIdentifier)) {
            return org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(inner).getKeyIdentifier();
        }
        return org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(inner).getKeyIdentifierObject().getOctets();
    }

    static String csr(KeyPair keys, String subject, String... uris) throws Exception {
        return csr(keys, keys, subject, uris);
    }

    /** A CSR for {@code keys}' public key, signed with {@code signer}'s private key (not a proof of possession unless they are the same). */
    static String csr(KeyPair keys, KeyPair signer, String subject, String... uris) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (uris.length > 0) {
            GeneralName[] names = new GeneralName[uris.length];
            for (int i = 0; i < uris.length; i++) {
                names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
            }
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            // Asks for more than an identity; the CA must not grant it.
            extensions.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        PKCS10CertificationRequest request = builder.build(
                new JcaContentSignerBuilder(KeyType.signatureAlgorithm(signer.getPrivate())).build(signer.getPrivate()));
        java.io.StringWriter out = new java.io.StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(request);
        }
        return out.toString();
    }
}
