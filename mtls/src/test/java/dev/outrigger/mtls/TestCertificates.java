package dev.outrigger.mtls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Odd certificates the CA would never issue, built directly with Bouncy Castle. */
final class TestCertificates {

    private TestCertificates() {
    }

    /** A self-signed non-CA certificate whose SAN extension holds exactly {@code uris} (none: no SAN extension). */
    static X509Certificate withUriSans(String... uris) throws Exception {
        return selfSigned(KeyType.EC.generate(), uris);
    }

    /** A workload certificate from {@code issuer} whose SAN holds {@code uris}, for both TLS roles. */
    static X509Certificate issuedBy(CertifiedKey issuer, String... uris) throws Exception {
        return issuedBy(issuer, List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), uris);
    }

    /** A workload certificate from {@code issuer} whose SAN holds {@code uris} and whose extended key usage is {@code purposes}. */
    static X509Certificate issuedBy(CertifiedKey issuer, List<String> purposes, String... uris) throws Exception {
        return issuedBy(issuer, purposes, -1, uris);
    }

    /**
     * A non-CA workload certificate from {@code issuer} with Bouncy Castle {@code KeyUsage} bits
     * {@code keyUsage} (-1: no key usage extension), for both TLS roles.
     */
    static X509Certificate withKeyUsage(CertifiedKey issuer, int keyUsage, String... uris) throws Exception {
        return issuedBy(issuer, List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), keyUsage, uris);
    }

    private static X509Certificate issuedBy(CertifiedKey issuer, List<String> purposes, int keyUsage, String... uris)
            throws Exception {
        KeyPair keys = KeyType.EC.generate();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.leaf(), BigInteger.TWO,
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofHours(1))),
                new X500Name("CN=odd"), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                purposes.stream().map(p -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(p))).toArray(KeyPurposeId[]::new)));
        builder.addExtension(Extension.subjectAlternativeName, false, sans(uris));
        if (keyUsage >= 0) {
            builder.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(keyUsage));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder(KeyType.signatureAlgorithm(issuer.key())).build(issuer.key())));
    }

    private static GeneralNames sans(String... uris) {
        GeneralName[] names = new GeneralName[uris.length];
        for (int i = 0; i < uris.length; i++) {
            names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
        }
        return new GeneralNames(names);
    }

    /** A self-signed non-CA certificate for {@code keys} whose SAN extension holds exactly {@code uris}. */
    static X509Certificate selfSigned(KeyPair keys, String... uris) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=odd");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofHours(1))), name, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (uris.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, sans(uris));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder(KeyType.signatureAlgorithm(keys.getPrivate())).build(keys.getPrivate())));
    }
}
