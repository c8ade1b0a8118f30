package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.PeerTrust;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.mtls.TrustBundle;
import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import dev.outrigger.sidecar.secret.SpiffeTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPIFFE bundle maps and per-trust-domain PEM bundles, read into the trust of the SPIFFE validator. */
class SpiffeBundlesTest {

    private static final CertificateAuthority MESH = CertificateAuthority.createRoot("cluster.local", KeyType.EC,
            Duration.ofDays(1), Clock.systemUTC());
    private static final CertificateAuthority PARTNER = CertificateAuthority.createRoot("partner.test", KeyType.RSA,
            Duration.ofDays(1), Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    void readsABundleMapSkippingJwtKeys() throws Exception {
        String json = MeshFiles.bundleMap(Map.of("cluster.local", MESH.root(), "partner.test", PARTNER.root()))
                .replace("\"keys\": [", "\"keys\": [{\"use\": \"jwt-svid\", \"kty\": \"EC\", \"kid\": \"k1\"}, ");
        Map<String, TrustBundle> bundles = SpiffeBundles.parseBundleMap(json, "bundle.json");
        assertEquals(List.of(MESH.root()), bundles.get("cluster.local").certificates());
        assertEquals(List.of(PARTNER.root()), bundles.get("partner.test").certificates());

        Path file = dir.resolve("bundle.json");
        Files.writeString(file, json);
        PeerTrust trust = SpiffeBundles.load(new SpiffeTrust(Map.of(), new PemSource(null, file)), "test");
        assertTrue(trust.isPerTrustDomain());
        assertEquals(List.of(PARTNER.root()), trust.bundleFor("partner.test").certificates());
        assertEquals(null, trust.bundleFor("other.test"));
    }

    @Test
    void readsPemBundlesPerTrustDomain() throws Exception {
        Path partner = dir.resolve("partner.pem");
        Files.writeString(partner, PARTNER.trustBundle().toPem());
        PeerTrust trust = SpiffeBundles.load(new SpiffeTrust(Map.of(
                "cluster.local", new PemSource(MESH.trustBundle().toPem(), null),
                "partner.test", new PemSource(null, partner)), null), "test");
        assertEquals(List.of(MESH.root()), trust.bundleFor("cluster.local").certificates());
        assertEquals(List.of(PARTNER.root()), trust.bundleFor("partner.test").certificates());
        CredentialException e = assertThrows(CredentialException.class, () -> SpiffeBundles.load(new SpiffeTrust(
                Map.of("partner.test", new PemSource(null, dir.resolve("missing.pem"))), null), "test"));
        assertTrue(e.getMessage().contains("missing.pem"), e.getMessage());
    }

    @Test
    void namesWhatIsWrongWithABundleMap() throws Exception {
        String der = Base64.getEncoder().encodeToString(MESH.root().getEncoded());
        String leaf = Base64.getEncoder().encodeToString(
                MESH.issue(SpiffeId.parse("spiffe://cluster.local/web"), Duration.ofHours(1)).leaf().getEncoded());
        assertProblem("{", "not a SPIFFE bundle map (JSON)");
        assertProblem("{}", "no trust domains");
        assertProblem("{\"trust_domains\": {\"a.test\": 1}}", "trust domain a.test: expected an object with \"keys\"");
        assertProblem("{\"trust_domains\": {\"a.test\": {}}}", "trust domain a.test: \"keys\" is missing or not a list");
        assertProblem("{\"trust_domains\": {\"a.test\": {\"keys\": [{\"use\": \"jwt-svid\"}]}}}",
                "trust domain a.test: no key with \"use\": \"x509-svid\"");
        assertProblem("{\"trust_domains\": {\"a.test\": {\"keys\": [{\"use\": \"sig\", \"x5c\": [\"" + der + "\"]}]}}}",
                "trust domain a.test key 0: \"use\" is \"sig\" (x509-svid or jwt-svid)");
        assertProblem("{\"trust_domains\": {\"a.test\": {\"keys\": [{\"use\": \"x509-svid\"}]}}}",
                "trust domain a.test key 0: \"x5c\" is missing or empty");
        assertProblem("{\"trust_domains\": {\"a.test\": {\"keys\": [{\"use\": \"x509-svid\", \"x5c\": [\"!!\"]}]}}}",
                "trust domain a.test key 0: \"x5c\" holds no DER certificate in base64");
        assertProblem("{\"trust_domains\": {\"a.test\": {\"keys\": [{\"use\": \"x509-svid\", \"x5c\": [\"" + leaf + "\"]}]}}}",
                "trust domain a.test: certificate 1 (");
        CredentialException e = assertThrows(CredentialException.class, () -> SpiffeBundles.load(new SpiffeTrust(
                Map.of(), new PemSource("{\"trust_domains\": {\"spiffe://a.test\": {\"keys\": [{\"use\": \"x509-svid\", "
                        + "\"x5c\": [\"" + der + "\"]}]}}}", null)), "SDS secret ROOTCA"));
        assertTrue(e.getMessage().startsWith("SDS secret ROOTCA: "), e.getMessage());
    }

    private static void assertProblem(String json, String problem) {
        CredentialException e = assertThrows(CredentialException.class, () -> SpiffeBundles.parseBundleMap(json, "b.json"));
        assertEquals("b.json", e.source());
        assertTrue(e.problem().startsWith(problem), "expected '" + problem + "', got: " + e.problem());
    }
}
