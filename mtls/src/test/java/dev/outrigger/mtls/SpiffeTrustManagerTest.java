package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.PeerRefusedException.Kind;
import dev.outrigger.mtls.SpiffeTrustManager.Peer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer decision without sockets: chain validation, SPIFFE ID rules, and the reason of each refusal. */
class SpiffeTrustManagerTest {

    private static final CertificateAuthority ROOT = TestPki.root(TestPki.DOMAIN);
    private static final CertificateAuthority CA = TestPki.intermediate(ROOT);
    private static final SpiffeTrustManager ANY = new SpiffeTrustManager(ROOT.trustBundle(), AllowedPeers.anyIn(TestPki.DOMAIN));

    @Test
    void acceptsAChainThroughAnIntermediateWithOrWithoutTheRoot() throws Exception {
        CertifiedKey web = CA.issue(TestPki.id("web"), Duration.ofHours(1));
        assertEquals(TestPki.id("web"), ANY.verify(array(web.chain()), Peer.CLIENT));
        List<X509Certificate> withRoot = new ArrayList<>(web.chain());
        withRoot.add(ROOT.root());
        assertEquals(TestPki.id("web"), ANY.verify(array(withRoot), Peer.SERVER));
        ANY.checkClientTrusted(array(web.chain()), "ECDHE_ECDSA");
        ANY.checkServerTrusted(array(web.chain()), "ECDHE_ECDSA");
        assertArrayEquals(new X509Certificate[0], ANY.getAcceptedIssuers());
    }

    @Test
    void refusesEachProblemWithItsReason() throws Exception {
        CertifiedKey expired = CA.withClock(TestPki.shifted(Duration.ofDays(-2))).issue(TestPki.id("old"), Duration.ofHours(1));
        CertifiedKey early = CA.withClock(TestPki.shifted(Duration.ofDays(2))).issue(TestPki.id("new"), Duration.ofHours(1));
        CertifiedKey foreign = TestPki.root("other.test").issue(SpiffeId.parse("spiffe://other.test/web"), Duration.ofHours(1));
        // Same trust domain name, different CA: as when two clusters both call themselves cluster.local.
        CertifiedKey twin = TestPki.root(TestPki.DOMAIN).issue(TestPki.id("web"), Duration.ofHours(1));
        CertifiedKey web = CA.issue(TestPki.id("web"), Duration.ofHours(1));

        assertRefused(Kind.NO_CERTIFICATE, "no client certificate", new X509Certificate[0], Peer.CLIENT);
        assertRefused(Kind.NO_CERTIFICATE, "no server certificate", null, Peer.SERVER);
        assertRefused(Kind.EXPIRED, "certificate expired at " + expired.notAfter(), array(expired.chain()), Peer.CLIENT);
        assertRefused(Kind.NOT_YET_VALID, "certificate not valid before " + early.notBefore(), array(early.chain()), Peer.CLIENT);
        assertRefused(Kind.UNKNOWN_CA, "issued by an unknown CA (trust domain other.test; trusted: example.org)",
                array(foreign.chain()), Peer.CLIENT);
        assertRefused(Kind.UNKNOWN_CA, "issued by an unknown CA (trust domain example.org; trusted: example.org)",
                array(twin.chain()), Peer.CLIENT);
        assertRefused(Kind.UNKNOWN_CA, "issued by an unknown CA", new X509Certificate[] {web.leaf()}, Peer.CLIENT);
        assertRefused(Kind.BAD_CERTIFICATE, "certificate is a CA certificate, not a workload's",
                array(CA.signer().chain()), Peer.CLIENT);
    }

    @Test
    void refusesACertificateWithoutASpiffeId() throws Exception {
        X509Certificate noId = TestCertificates.withUriSans("https://example.org/web");
        SpiffeTrustManager trustingIt = new SpiffeTrustManager(ROOT.trustBundle(), AllowedPeers.anyIn(TestPki.DOMAIN));
        // Self-signed, so not trusted either: the chain is checked before the ID.
        assertRefused(trustingIt, Kind.UNKNOWN_CA, "issued by an unknown CA (trust domain unknown; trusted: example.org)",
                new X509Certificate[] {noId}, Peer.CLIENT);
        // A trusted CA that issued a certificate with two IDs.
        X509Certificate two = TestCertificates.issuedBy(CA.signer(), "spiffe://example.org/a", "spiffe://example.org/b");
        assertRefused(Kind.NO_SPIFFE_ID, "certificate has no SPIFFE ID (an X.509-SVID has exactly one spiffe:// URI SAN)",
                new X509Certificate[] {two, CA.signer().leaf()}, Peer.CLIENT);
    }

    @Test
    void appliesTheAllowRule() throws Exception {
        X509Certificate[] web = array(CA.issue(TestPki.id("ns/shop/sa/web"), Duration.ofHours(1)).chain());
        SpiffeTrustManager exact = new SpiffeTrustManager(ROOT.trustBundle(),
                AllowedPeers.oneOf(TestPki.id("ns/shop/sa/api"), TestPki.id("ns/shop/sa/db")));
        assertRefused(exact, Kind.NOT_ALLOWED, "SPIFFE ID spiffe://example.org/ns/shop/sa/web is not allowed "
                + "(expected spiffe://example.org/ns/shop/sa/api or spiffe://example.org/ns/shop/sa/db)", web, Peer.SERVER);
        SpiffeTrustManager prefix = new SpiffeTrustManager(ROOT.trustBundle(),
                AllowedPeers.matching(List.of(UriSanMatcher.prefix("spiffe://example.org/ns/shop/"))));
        assertEquals(TestPki.id("ns/shop/sa/web"), prefix.verify(web, Peer.CLIENT));
        SpiffeTrustManager otherDomain = new SpiffeTrustManager(ROOT.trustBundle(), AllowedPeers.anyIn("other.test"));
        assertRefused(otherDomain, Kind.NOT_ALLOWED, "SPIFFE ID spiffe://example.org/ns/shop/sa/web is not allowed "
                + "(expected a workload of trust domain other.test)", web, Peer.CLIENT);
    }

    @Test
    void allowRulesAreAPureDecision() {
        SpiffeId web = TestPki.id("ns/shop/sa/web");
        assertTrue(AllowedPeers.anyIn("example.org").allows(web));
        assertFalse(AllowedPeers.anyIn("example.org").allows(SpiffeId.ofTrustDomain("example.org")), "a CA's ID is no workload");
        assertFalse(AllowedPeers.anyIn("example.com").allows(web));
        assertTrue(AllowedPeers.oneOf(web).allows(web));
        assertFalse(AllowedPeers.oneOf(TestPki.id("ns/shop/sa/webx")).allows(web));
        assertTrue(AllowedPeers.matching(List.of(UriSanMatcher.exact("spiffe://example.org/x"),
                UriSanMatcher.exact(web.toString()))).allows(web));
        assertFalse(AllowedPeers.matching(List.of(UriSanMatcher.prefix("spiffe://example.org/ns/shop/sa/web/"))).allows(web));
        assertTrue(new UriSanMatcher(UriSanMatcher.Kind.SUFFIX, "/SA/WEB", true).matches(web.toString()));
        assertFalse(new UriSanMatcher(UriSanMatcher.Kind.SUFFIX, "/SA/WEB", false).matches(web.toString()));
        assertTrue(new UriSanMatcher(UriSanMatcher.Kind.CONTAINS, "/shop/", false).matches(web.toString()));
        assertEquals("a URI SAN matching exact 'a' or prefix 'b'",
                AllowedPeers.matching(List.of(UriSanMatcher.exact("a"), UriSanMatcher.prefix("b"))).describe());
        assertThrows(IllegalArgumentException.class, () -> UriSanMatcher.prefix(""));
        assertThrows(IllegalArgumentException.class, () -> AllowedPeers.matching(List.of()));
        assertThrows(IllegalArgumentException.class, AllowedPeers::oneOf);
    }

    @Test
    void refusesALeafNotMeantForTheRole() throws Exception {
        X509Certificate serverOnly = TestCertificates.issuedBy(CA.signer(), List.of("1.3.6.1.5.5.7.3.1"), "spiffe://example.org/web");
        X509Certificate[] chain = {serverOnly, CA.signer().leaf()};
        assertEquals(TestPki.id("web"), ANY.verify(chain, Peer.SERVER));
        assertRefused(Kind.BAD_CERTIFICATE, "certificate is not for TLS client authentication (extended key usage)",
                chain, Peer.CLIENT);
    }

    @Test
    void refusesALeafThatCanSignCertificates() throws Exception {
        int digitalSignature = org.bouncycastle.asn1.x509.KeyUsage.digitalSignature;
        X509Certificate plain = TestCertificates.withKeyUsage(CA.signer(), digitalSignature, "spiffe://example.org/web");
        assertEquals(TestPki.id("web"), ANY.verify(new X509Certificate[] {plain, CA.signer().leaf()}, Peer.CLIENT));
        X509Certificate signing = TestCertificates.withKeyUsage(CA.signer(),
                digitalSignature | org.bouncycastle.asn1.x509.KeyUsage.keyCertSign, "spiffe://example.org/web");
        assertRefused(Kind.BAD_CERTIFICATE, "certificate may sign certificates or CRLs (key usage keyCertSign/cRLSign)",
                new X509Certificate[] {signing, CA.signer().leaf()}, Peer.CLIENT);
    }

    @Test
    void perTrustDomainBundlesAreChosenByThePeersTrustDomain() throws Exception {
        CertificateAuthority partner = TestPki.root("partner.test");
        PeerTrust trust = PeerTrust.perTrustDomain(java.util.Map.of(TestPki.DOMAIN, ROOT.trustBundle(),
                "partner.test", partner.trustBundle()));
        SpiffeTrustManager federated = new SpiffeTrustManager(trust, AllowedPeers.matching(List.of(UriSanMatcher.prefix("spiffe://"))));
        SpiffeId web = TestPki.id("web");
        SpiffeId pay = SpiffeId.parse("spiffe://partner.test/ns/pay/sa/api");
        assertEquals(web, federated.verify(array(CA.issue(web, Duration.ofHours(1)).chain()), Peer.CLIENT));
        assertEquals(pay, federated.verify(array(partner.issue(pay, Duration.ofHours(1)).chain()), Peer.SERVER));

        // The partner's CA is trusted, but not to speak for example.org (nor example.org's for the partner).
        X509Certificate[] forged = {TestCertificates.issuedBy(partner.signer(), web.toString()), partner.root()};
        assertRefused(federated, Kind.UNKNOWN_CA, "issued by a CA not in the bundle of trust domain example.org", forged, Peer.CLIENT);
        assertEquals(web, new SpiffeTrustManager(PeerTrust.of(TrustBundle.parse(ROOT.trustBundle().toPem()
                + partner.trustBundle().toPem(), Pem.INLINE)), AllowedPeers.anyIn(TestPki.DOMAIN)).verify(forged, Peer.CLIENT),
                "a shared bundle cannot tell: the reason the per-domain form exists");
        X509Certificate[] forgedBack = {TestCertificates.issuedBy(CA.signer(), pay.toString()), CA.signer().leaf()};
        assertRefused(federated, Kind.UNKNOWN_CA, "issued by a CA not in the bundle of trust domain partner.test", forgedBack, Peer.CLIENT);

        CertifiedKey stranger = TestPki.root("other.test").issue(SpiffeId.parse("spiffe://other.test/web"), Duration.ofHours(1));
        assertRefused(federated, Kind.UNKNOWN_CA, "trust domain other.test is not trusted (trusted: example.org, partner.test)",
                array(stranger.chain()), Peer.CLIENT);
        X509Certificate noId = TestCertificates.issuedBy(CA.signer(), "https://example.org/web");
        assertRefused(federated, Kind.NO_SPIFFE_ID, "certificate has no SPIFFE ID",
                new X509Certificate[] {noId, CA.signer().leaf()}, Peer.CLIENT);
        assertTrue(trust.isPerTrustDomain());
        assertEquals(java.util.Set.of("example.org", "partner.test"), trust.trustDomains());
        assertThrows(IllegalArgumentException.class, () -> PeerTrust.perTrustDomain(java.util.Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> PeerTrust.perTrustDomain(java.util.Map.of("spiffe://example.org", ROOT.trustBundle())));
    }

    private static void assertRefused(Kind kind, String reason, X509Certificate[] chain, Peer peer) {
        assertRefused(ANY, kind, reason, chain, peer);
    }

    private static void assertRefused(SpiffeTrustManager manager, Kind kind, String reason, X509Certificate[] chain, Peer peer) {
        PeerRefusedException e = assertThrows(PeerRefusedException.class, () -> manager.verify(chain, peer));
        assertTrue(e.getMessage().startsWith(reason), "expected '" + reason + "', got: " + e.getMessage());
        assertEquals(kind, e.kind(), e.getMessage());
    }

    private static X509Certificate[] array(List<X509Certificate> chain) {
        return chain.toArray(new X509Certificate[0]);
    }
}
