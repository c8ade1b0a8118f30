package dev.outrigger.mtls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds the X.509 certificates of the SPIFFE X.509-SVID profile: CA certificates and workload leaves. */
final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** The validity period of a new certificate. */
    record Validity(Instant notBefore, Instant notAfter) {
    }

    /** A self-signed root CA certificate for {@code trustDomain}. */
    static X509Certificate root(String trustDomain, PublicKey publicKey, PrivateKey privateKey, Validity validity) {
        BigInteger serial = newSerial();
        X500Name name = caName(trustDomain, "root", serial);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(validity.notBefore()), Date.from(validity.notAfter()), name, publicKey);
        // No path length: the root may sign an intermediate.
        return sign(caExtensions(builder, trustDomain, publicKey, null, new BasicConstraints(true)), privateKey);
    }

    /** An intermediate CA certificate for {@code trustDomain}, issued by {@code issuer}; it may sign leaves only. */
    static X509Certificate intermediate(String trustDomain, PublicKey publicKey, CertifiedKey issuer, Validity validity) {
        BigInteger serial = newSerial();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.leaf(), serial,
                Date.from(validity.notBefore()), Date.from(validity.notAfter()),
                caName(trustDomain, "intermediate", serial), publicKey);
        return sign(caExtensions(builder, trustDomain, publicKey, issuer.leaf(), new BasicConstraints(0)), issuer.key());
    }

    /**
     * A workload certificate: the SPIFFE ID as the only URI SAN (critical, as the subject is
     * empty), usable for both TLS client and server authentication.
     */
    static X509Certificate leaf(SpiffeId id, PublicKey publicKey, CertifiedKey issuer, Validity validity) {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.leaf(), newSerial(),
                Date.from(validity.notBefore()), Date.from(validity.notAfter()), new X500Name(new RDN[0]), publicKey);
        int usage = KeyUsage.digitalSignature;
        if (publicKey.getAlgorithm().equals("RSA")) {
            // TLS 1.2 RSA key exchange encrypts the premaster secret with this key.
            usage |= KeyUsage.keyEncipherment;
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, true, uriSan(id))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuer.leaf()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the extensions of a certificate for " + id, e);
        }
        return sign(builder, issuer.key());
    }

    /** A random positive 128-bit serial: unpredictable, and well inside RFC 5280's 20 octets. */
    static BigInteger newSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    private static X500Name caName(String trustDomain, String role, BigInteger serial) {
        // The serial's first digits keep the names of successive CAs of one trust domain apart,
        // so a validator never tries the wrong CA's key just because the names are equal.
        String tag = serial.toString(16);
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, trustDomain)
                .addRDN(BCStyle.CN, "Outrigger " + role + " CA " + tag.substring(0, Math.min(8, tag.length())))
                .build();
    }

    private static X509v3CertificateBuilder caExtensions(X509v3CertificateBuilder builder, String trustDomain,
            PublicKey publicKey, X509Certificate issuer, BasicConstraints constraints) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, constraints)
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectAlternativeName, false, uriSan(SpiffeId.ofTrustDomain(trustDomain)))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            }
            return builder;
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the extensions of a CA certificate for " + trustDomain, e);
        }
    }

    private static GeneralNames uriSan(SpiffeId id) {
        return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(signer)).build(signer)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate with a " + signer.getAlgorithm() + " key", e);
        }
    }
}
