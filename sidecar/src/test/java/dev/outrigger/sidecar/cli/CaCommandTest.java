package dev.outrigger.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.AllowedPeers;
import dev.outrigger.mtls.AtomicFiles;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.mtls.SpiffeTrustManager;
import dev.outrigger.mtls.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code outrigger ca init} and {@code ca issue}: files the mtls classes load, and one-line errors. */
class CaCommandTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void initThenIssueWritesCredentialsThatChainToTheRoot() throws Exception {
        Path caDir = dir.resolve("ca");
        CliRun init = run("ca", "init", "--trust-domain", "example.org", "--out", caDir.toString(), "--intermediate");
        assertEquals(0, init.code(), init.err());
        assertTrue(init.out().contains("created a CA for trust domain example.org (EC P-256)"), init.out());
        assertTrue(AtomicFiles.isOwnerOnly(caDir.resolve("ca-key.pem")));
        assertTrue(AtomicFiles.isOwnerOnly(caDir.resolve("root-key.pem")));
        CertificateAuthority ca = CertificateAuthority.load(caDir, Clock.systemUTC());
        assertEquals(2, ca.signer().chain().size(), "intermediate and root");

        Path work = dir.resolve("web");
        Instant before = Instant.now();
        CliRun issue = run("ca", "issue", "--spiffe-id", "spiffe://example.org/ns/shop/sa/web", "--ttl", "24h",
                "--ca", caDir.toString(), "--out", work.toString());
        assertEquals(0, issue.code(), issue.err());

        CertifiedKey web = CertifiedKey.read(work.resolve("cert.pem"), work.resolve("key.pem"));
        TrustBundle bundle = TrustBundle.read(work.resolve("ca.pem"));
        assertEquals(List.of(ca.root()), bundle.certificates());
        assertEquals(Optional.of(SpiffeId.parse("spiffe://example.org/ns/shop/sa/web")), web.spiffeId());
        assertEquals(2, web.chain().size(), "leaf and intermediate");
        Duration ttl = Duration.between(before, web.notAfter());
        assertTrue(ttl.compareTo(Duration.ofHours(24).minusSeconds(5)) > 0 && ttl.compareTo(Duration.ofHours(24).plusSeconds(5)) < 0,
                "TTL " + ttl);
        assertTrue(AtomicFiles.isOwnerOnly(work.resolve("key.pem")));
        assertTrue(Files.readString(work.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        // The chain leads to the root with PKIX, as a peer would check it.
        new SpiffeTrustManager(bundle, AllowedPeers.anyIn("example.org"))
                .checkClientTrusted(web.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");

        assertEquals(List.of(
                "issued spiffe://example.org/ns/shop/sa/web",
                "  serial   " + web.serial().toString(16),
                "  expires  " + web.notAfter(),
                "  " + work.resolve("cert.pem") + "  certificate and intermediate",
                "  " + work.resolve("key.pem") + "  private key (EC P-256, PKCS#8, mode 0600)",
                "  " + work.resolve("ca.pem") + "  trust bundle (the root)"), issue.out().lines().toList());
    }

    @Test
    void initMakesRsaRootsAndRefusesToOverwriteWithoutForce() throws Exception {
        Path caDir = dir.resolve("ca");
        assertEquals(0, run("ca", "init", "--trust-domain", "example.org", "--out", caDir.toString(), "--key-type", "RSA",
                "--ttl", "48h").code());
        CertificateAuthority ca = CertificateAuthority.load(caDir, Clock.systemUTC());
        assertEquals("RSA", ca.root().getPublicKey().getAlgorithm());
        assertEquals(1, ca.signer().chain().size());

        CliRun again = run("ca", "init", "--trust-domain", "example.org", "--out", caDir.toString());
        assertEquals(1, again.code());
        assertEquals(List.of("outrigger: " + caDir + " already holds a CA; use --force to replace it"), again.err().lines().toList());
        assertEquals(ca.root(), CertificateAuthority.load(caDir, Clock.systemUTC()).root(), "untouched");
        assertEquals(0, run("ca", "init", "--trust-domain", "example.org", "--out", caDir.toString(), "--force").code());
        assertFalse(ca.root().equals(CertificateAuthority.load(caDir, Clock.systemUTC()).root()), "replaced");
    }

    @Test
    void errorsAreOneLineAndExitOne() throws Exception {
        Path caDir = dir.resolve("ca");
        assertEquals(0, run("ca", "init", "--trust-domain", "example.org", "--out", caDir.toString()).code());
        String out = dir.resolve("out").toString();

        assertOneLineError("outrigger: 'spiffe://example.org/web/' is not a SPIFFE ID: the path must not end with '/'",
                "ca", "issue", "--spiffe-id", "spiffe://example.org/web/", "--ca", caDir.toString(), "--out", out);
        assertOneLineError("outrigger: spiffe://other.test/web is not in trust domain example.org, "
                + "the only one this CA issues for",
                "ca", "issue", "--spiffe-id", "spiffe://other.test/web", "--ca", caDir.toString(), "--out", out);
        Path missing = dir.resolve("nowhere");
        assertOneLineError("outrigger: " + missing.resolve("ca.pem") + ": cannot read: no such file",
                "ca", "issue", "--spiffe-id", "spiffe://example.org/web", "--ca", missing.toString(), "--out", out);
        assertOneLineError("outrigger: 'Example.org' is not a trust domain name: the trust domain may only contain "
                + "lower-case letters, digits, '.', '-' and '_' (found 'E')",
                "ca", "init", "--trust-domain", "Example.org", "--out", dir.resolve("ca2").toString());
        assertOneLineError("outrigger: --out must be another directory than --ca " + caDir,
                "ca", "issue", "--spiffe-id", "spiffe://example.org/web", "--ca", caDir.toString(), "--out", caDir.toString());
        CliRun tooLong = run("ca", "issue", "--spiffe-id", "spiffe://example.org/web", "--ttl", "9000h",
                "--ca", caDir.toString(), "--out", out);
        assertEquals(1, tooLong.code());
        assertTrue(tooLong.err().startsWith("outrigger: cannot issue for spiffe://example.org/web with TTL PT9000H: "
                + "it would outlive the CA, which expires at "), tooLong.err());
        assertFalse(Files.exists(dir.resolve("out").resolve("cert.pem")), "nothing written on errors");
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("ca").code(), "a subcommand is required");
        assertEquals(2, run("ca", "issue", "--ca", "x", "--out", "y").code(), "--spiffe-id is required");
        assertEquals(2, run("ca", "init", "--trust-domain", "example.org", "--out", "x", "--key-type", "dsa").code());
        assertEquals(2, run("ca", "init", "--trust-domain", "example.org", "--out", "x", "--ttl", "a year").code());
        assertEquals(0, run("ca", "issue", "--version").code());
    }

    private static void assertOneLineError(String expected, String... args) {
        CliRun r = run(args);
        assertEquals(1, r.code(), String.join(" ", args));
        assertEquals(List.of(expected), r.err().lines().toList());
    }
}
