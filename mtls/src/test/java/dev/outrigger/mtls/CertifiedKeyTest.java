package dev.outrigger.mtls;

import static dev.outrigger.mtls.CredentialAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key and chain that belong together, their validity period, and trust bundles. */
class CertifiedKeyTest {

    private static final CertificateAuthority CA = TestPki.root(TestPki.DOMAIN);

    @TempDir
    Path dir;

    @Test
    void exposesTheLeafsIdentity() {
        CertifiedKey web = CA.issue(TestPki.id("web"), Duration.ofHours(2));
        assertEquals(Optional.of(TestPki.id("web")), web.spiffeId());
        assertEquals(web.leaf().getSerialNumber(), web.serial());
        assertEquals(web.leaf().getNotAfter().toInstant(), web.notAfter());
        assertThrows(UnsupportedOperationException.class, () -> web.chain().add(CA.root()));
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        CertifiedKey web = CA.issue(TestPki.id("web"), Duration.ofHours(1));
        CertifiedKey api = CA.issue(TestPki.id("api"), Duration.ofHours(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(api.key(), web.chain()));
        assertEquals("private key does not match the certificate spiffe://example.org/web", e.getMessage());
        // An RSA key beside an EC certificate is a mismatch too, not a crash.
        assertThrows(IllegalArgumentException.class, () -> new CertifiedKey(KeyType.RSA.generate().getPrivate(), web.chain()));

        Path cert = Files.writeString(dir.resolve("cert.pem"), web.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), Pem.writePrivateKey(api.key()));
        assertProblem(cert + " and " + key + ": private key does not match the certificate", () -> CertifiedKey.read(cert, key));
        assertProblem("x: no certificate", () -> CertifiedKey.of(api.key(), List.of(), "x"));
    }

    @Test
    void checksTheValidityPeriod() throws Exception {
        CertifiedKey expired = CA.withClock(TestPki.shifted(Duration.ofDays(-2))).issue(TestPki.id("old"), Duration.ofHours(1));
        CertifiedKey future = CA.withClock(TestPki.shifted(Duration.ofDays(2))).issue(TestPki.id("new"), Duration.ofHours(1));
        CertifiedKey good = CA.issue(TestPki.id("web"), Duration.ofHours(1));
        Instant now = Instant.now();
        assertProblem("cert.pem: certificate expired at " + expired.notAfter(), () -> expired.checkValidAt(now, "cert.pem"));
        assertProblem("cert.pem: certificate not valid before " + future.notBefore(), () -> future.checkValidAt(now, "cert.pem"));
        good.checkValidAt(now, "cert.pem");
        // The CA back-dates by its clock skew allowance, so a peer slightly behind still accepts it.
        good.checkValidAt(now.minus(Duration.ofSeconds(50)), "cert.pem");
    }

    @Test
    void trustBundlesHoldCaCertificatesOnly() throws Exception {
        CertificateAuthority other = TestPki.root("other.test");
        TrustBundle both = TrustBundle.parse(CA.trustBundle().toPem() + other.trustBundle().toPem(), Pem.INLINE);
        assertEquals(List.of(CA.root(), other.root()), both.certificates());
        assertEquals(java.util.Set.of("example.org", "other.test"), both.trustDomains());
        assertEquals(2, both.trustAnchors().size());

        CertifiedKey web = CA.issue(TestPki.id("web"), Duration.ofHours(1));
        Path wrong = Files.writeString(dir.resolve("ca.pem"), web.chainPem());
        CredentialException e = assertThrows(CredentialException.class, () -> TrustBundle.read(wrong));
        assertTrue(e.getMessage().startsWith(wrong + ": certificate 1 (") && e.getMessage().endsWith(") is not a CA certificate"),
                e.getMessage());
        assertProblem("inline: no certificate in the text", () -> TrustBundle.parse("", Pem.INLINE));
    }
}
