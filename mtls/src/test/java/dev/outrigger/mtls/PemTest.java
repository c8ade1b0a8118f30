package dev.outrigger.mtls;

import static dev.outrigger.mtls.CredentialAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PEM: round trips of keys and chains, the traditional key formats, and errors that name the source and the problem. */
class PemTest {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void keysAndChainsRoundTripThroughFiles(KeyType type) throws Exception {
        CertificateAuthority ca = TestPki.root(TestPki.DOMAIN, type).createIntermediate(type, Duration.ofDays(5));
        CertifiedKey leaf = ca.issue(TestPki.id("web"), Duration.ofHours(1), type);
        String keyPem = Pem.writePrivateKey(leaf.key());
        assertTrue(keyPem.startsWith("-----BEGIN PRIVATE KEY-----"), keyPem);
        Path keyFile = Files.writeString(dir.resolve("key.pem"), keyPem);
        Path chainFile = Files.writeString(dir.resolve("cert.pem"), leaf.chainPem());

        assertEquals(leaf.key(), Pem.readPrivateKey(keyFile));
        assertEquals(leaf.chain(), Pem.readCertificates(chainFile));
        assertEquals(2, Pem.readCertificates(chainFile).size());
        assertEquals(leaf.serial(), CertifiedKey.read(chainFile, keyFile).serial());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsTraditionalSec1AndPkcs1Keys(KeyType type) throws Exception {
        KeyPair keys = bcKeys(type);
        // JcaPEMWriter writes EC and RSA keys as "EC PRIVATE KEY" (SEC1) and "RSA PRIVATE KEY" (PKCS#1), as openssl does.
        String traditional = pem(keys.getPrivate());
        assertTrue(traditional.startsWith("-----BEGIN " + type.name() + " PRIVATE KEY-----"), traditional);
        PrivateKey parsed = Pem.parsePrivateKey(traditional, Pem.INLINE);
        assertEquals(secret(keys.getPrivate()), secret(parsed));
        // And back out as PKCS#8.
        assertEquals(secret(parsed), secret(Pem.parsePrivateKey(Pem.writePrivateKey(parsed), Pem.INLINE)));
    }

    @Test
    void skipsOtherBlocksAroundTheKeyAndTheCertificates() throws Exception {
        KeyPair keys = bcKeys(KeyType.EC);
        X509Certificate certificate = TestCertificates.selfSigned(KeyType.EC.generate(), "spiffe://example.org/a");
        // openssl ecparam -genkey writes the curve's parameters first; a combined file has both.
        String combined = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + pem(keys.getPrivate()) + Pem.writeCertificates(List.of(certificate));
        assertEquals(secret(keys.getPrivate()), secret(Pem.parsePrivateKey(combined, Pem.INLINE)));
        assertEquals(List.of(certificate), Pem.parseCertificates(combined, Pem.INLINE));
    }

    @Test
    void errorsNameTheSourceAndTheProblem() throws Exception {
        assertProblem("inline: no certificate in the text", () -> Pem.parseCertificates("", Pem.INLINE));
        assertProblem("inline: no private key in the text", () -> Pem.parsePrivateKey("  \n", Pem.INLINE));
        assertProblem("inline: no certificate in the text", () -> Pem.parseCertificates("not PEM at all", Pem.INLINE));
        assertProblem("inline: malformed PEM: ", () -> Pem.parseCertificates(
                "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n", Pem.INLINE));
        assertProblem("inline: malformed PEM: ", () -> Pem.parseCertificates(
                "-----BEGIN CERTIFICATE-----\nMIIB\n", Pem.INLINE));

        KeyPair keys = KeyType.EC.generate();
        String certPem = Pem.writeCertificates(List.of(TestCertificates.selfSigned(keys, "spiffe://example.org/a")));
        Path swapped = Files.writeString(dir.resolve("key.pem"), certPem);
        assertProblem(swapped + ": no private key in the text (found CERTIFICATE)", () -> Pem.readPrivateKey(swapped));
        Path keyAsCert = Files.writeString(dir.resolve("cert.pem"), Pem.writePrivateKey(keys.getPrivate()));
        assertProblem(keyAsCert + ": no certificate in the text (found PRIVATE KEY)", () -> Pem.readCertificates(keyAsCert));
        Path absent = dir.resolve("absent.pem");
        assertProblem(absent + ": cannot read: no such file", () -> Pem.readCertificates(absent));
        assertProblem("inline: more than one private key in the text", () -> Pem.parsePrivateKey(
                Pem.writePrivateKey(keys.getPrivate()) + Pem.writePrivateKey(KeyType.EC.generate().getPrivate()), Pem.INLINE));
    }

    @Test
    void refusesEncryptedKeys() throws Exception {
        PrivateKey key = KeyType.EC.generate().getPrivate();
        StringWriter pkcs8 = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pkcs8)) {
            writer.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setPassword("secret".toCharArray()).build()));
        }
        assertTrue(pkcs8.toString().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        String expected = "inline: the private key is encrypted, which is not supported; "
                + "decrypt it first (openssl pkey -in KEY -out PLAIN)";
        assertProblem(expected, () -> Pem.parsePrivateKey(pkcs8.toString(), Pem.INLINE));

        StringWriter legacy = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(legacy)) {
            writer.writeObject(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build("secret".toCharArray()));
        }
        assertTrue(legacy.toString().contains("Proc-Type: 4,ENCRYPTED"), legacy.toString());
        assertProblem(expected, () -> Pem.parsePrivateKey(legacy.toString(), Pem.INLINE));
    }

    @Test
    void refusesUnsupportedKeys() throws Exception {
        assertProblem("inline: unsupported EC curve secp256k1 (P-256 or P-384 only)",
                () -> Pem.parsePrivateKey(Pem.writePrivateKey(ec("secp256k1")), Pem.INLINE));
        assertEquals("EC", Pem.parsePrivateKey(Pem.writePrivateKey(ec("secp384r1")), Pem.INLINE).getAlgorithm());
        assertProblem("inline: unsupported key algorithm ED25519 (EC P-256, P-384 or RSA only)",
                () -> Pem.parsePrivateKey(Pem.writePrivateKey(KeyPairGenerator.getInstance("Ed25519")
                        .generateKeyPair().getPrivate()), Pem.INLINE));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertProblem("inline: RSA key of 1024 bits is too small (2048 minimum)",
                () -> Pem.parsePrivateKey(Pem.writePrivateKey(rsa.generateKeyPair().getPrivate()), Pem.INLINE));
    }

    /**
     * Keys made by Bouncy Castle: the JDK's EC keys leave the curve and public key out of their
     * inner encoding, so their SEC1 form would not look like what openssl writes.
     */
    private static KeyPair bcKeys(KeyType type) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type.name(), BC);
        if (type == KeyType.EC) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static BigInteger secret(PrivateKey key) {
        return key instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateKey) key).getPrivateExponent();
    }

    private static PrivateKey ec(String curve) throws Exception {
        // The JDK cannot make secp256k1 keys any more; Bouncy Castle can.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair().getPrivate();
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        }
        return out.toString();
    }
}
