package dev.outrigger.mtls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes certificates and private keys in PEM: chains of {@code CERTIFICATE} blocks,
 * keys as PKCS#8 ({@code PRIVATE KEY}) or the traditional {@code EC PRIVATE KEY} / {@code RSA
 * PRIVATE KEY} that tools still write; EC P-256 / P-384 and RSA of at least 2048 bits.
 */
public final class Pem {

    /** The source name for PEM text that did not come from a file. */
    public static final String INLINE = "inline";

    private static final int MIN_RSA_BITS = 2048;

    private Pem() {
    }

    /** The certificates in {@code file}, in order (leaf first for a chain). */
    public static List<X509Certificate> readCertificates(Path file) throws CredentialException {
        return parseCertificates(readFile(file), file.toString());
    }

    /**
     * The certificates in {@code text}, in order; other PEM blocks (a key in the same file) are
     * skipped. {@code source} names the text in errors.
     */
    public static List<X509Certificate> parseCertificates(String text, String source) throws CredentialException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        for (Object o : readObjects(text, source)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new CredentialException(source, "certificate " + (certificates.size() + 1)
                            + " cannot be decoded: " + e.getMessage(), e);
                }
            } else {
                found.add(describe(o));
            }
        }
        if (certificates.isEmpty()) {
            throw new CredentialException(source, "no certificate in the text" + foundSuffix(found));
        }
        return List.copyOf(certificates);
    }

    /** The private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws CredentialException {
        return parsePrivateKey(readFile(file), file.toString());
    }

    /**
     * The one private key in {@code text}; other PEM blocks (certificates, EC parameters) are
     * skipped. Encrypted keys and keys other than EC P-256/P-384 and RSA are refused.
     */
    public static PrivateKey parsePrivateKey(String text, String source) throws CredentialException {
        PrivateKeyInfo info = null;
        Set<String> found = new LinkedHashSet<>();
        for (Object o : readObjects(text, source)) {
            PrivateKeyInfo next;
            if (o instanceof PrivateKeyInfo pkcs8) {
                next = pkcs8;
            } else if (o instanceof PEMKeyPair traditional) {
                next = traditional.getPrivateKeyInfo();
            } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                throw new CredentialException(source, "the private key is encrypted, which is not supported; "
                        + "decrypt it first (openssl pkey -in KEY -out PLAIN)");
            } else {
                found.add(describe(o));
                continue;
            }
            if (info != null) {
                throw new CredentialException(source, "more than one private key in the text");
            }
            info = next;
        }
        if (info == null) {
            throw new CredentialException(source, "no private key in the text" + foundSuffix(found));
        }
        checkSupported(info.getPrivateKeyAlgorithm(), source);
        PrivateKey key;
        try {
            key = new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new CredentialException(source, "the private key cannot be decoded: " + e.getMessage(), e);
        }
        if (key instanceof RSAPrivateCrtKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new CredentialException(source, "RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too small (" + MIN_RSA_BITS + " minimum)");
        }
        return key;
    }

    /** The certificate signing request in {@code text}. */
    static PKCS10CertificationRequest parseCsr(String text, String source) throws CredentialException {
        for (Object o : readObjects(text, source)) {
            if (o instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new CredentialException(source, "no CERTIFICATE REQUEST in the text");
    }

    /** {@code key} as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static String writePrivateKey(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // JcaPEMWriter alone writes EC and RSA keys in their traditional forms; the generator forces PKCS#8.
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + key.getAlgorithm() + " private key", e);
        }
        return out.toString();
    }

    /** {@code certificates} as consecutive {@code CERTIFICATE} blocks, in order. */
    public static String writeCertificates(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode certificates", e);
        }
        return out.toString();
    }

    /** The text of {@code file}; ISO-8859-1 so that a binary file reads as garbage, not as an I/O error. */
    static String readFile(Path file) throws CredentialException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CredentialException(file.toString(), "cannot read: no such file");
        } catch (IOException e) {
            throw new CredentialException(file.toString(), "cannot read: " + e, e);
        }
    }

    private static List<Object> readObjects(String text, String source) throws CredentialException {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o; (o = parser.readObject()) != null; ) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // Bad base64 surfaces as a RuntimeException (DecoderException), bad framing as IOException.
            throw new CredentialException(source, "malformed PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    /** Throws unless {@code key} (of a private or public key) is EC P-256 / P-384 or RSA. */
    static void checkSupported(AlgorithmIdentifier key, String source) throws CredentialException {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm();
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return;
        }
        if (!algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            throw new CredentialException(source, "unsupported key algorithm "
                    + new DefaultAlgorithmNameFinder().getAlgorithmName(algorithm) + " (EC P-256, P-384 or RSA only)");
        }
        // X962Parameters: PKCS#8 puts the bare curve OID here, SEC1 (via PEMKeyPair) the wrapped choice.
        X962Parameters parameters = X962Parameters.getInstance(key.getParameters());
        if (parameters == null) {
            throw new CredentialException(source, "EC key names no curve");
        }
        if (!parameters.isNamedCurve()) {
            throw new CredentialException(source, "EC key with explicit curve parameters; use a named curve (P-256)");
        }
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(parameters.getParameters());
        if (!curve.equals(SECObjectIdentifiers.secp256r1) && !curve.equals(SECObjectIdentifiers.secp384r1)) {
            String name = ECNamedCurveTable.getName(curve);
            throw new CredentialException(source, "unsupported EC curve " + (name == null ? curve.getId() : name)
                    + " (P-256 or P-384 only)");
        }
    }

    private static String describe(Object pemObject) {
        String name = pemObject.getClass().getSimpleName();
        return switch (name) {
            case "X509CertificateHolder" -> "CERTIFICATE";
            case "SubjectPublicKeyInfo" -> "PUBLIC KEY";
            case "PKCS10CertificationRequest" -> "CERTIFICATE REQUEST";
            case "ASN1ObjectIdentifier" -> "EC PARAMETERS";
            case "X509CRLHolder" -> "X509 CRL";
            case "PrivateKeyInfo", "PEMKeyPair" -> "PRIVATE KEY";
            default -> name;
        };
    }

    private static String foundSuffix(Set<String> found) {
        return found.isEmpty() ? "" : " (found " + String.join(", ", found) + ")";
    }
}
