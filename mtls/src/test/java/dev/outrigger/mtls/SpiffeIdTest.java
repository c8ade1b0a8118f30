package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPIFFE IDs: the spec's rules, each broken one named, and the ID of an X.509-SVID. */
class SpiffeIdTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "spiffe://example.org",
        "spiffe://example.org/ns/shop/sa/web",
        "spiffe://a-b_c.9/x",
        "spiffe://td/A.b-C_d/..x/x..",
    })
    void acceptsValidIds(String text) {
        assertEquals(text, SpiffeId.parse(text).toString());
    }

    @Test
    void splitsTrustDomainAndPath() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org/ns/shop/sa/web");
        assertEquals("example.org", id.trustDomain());
        assertEquals("/ns/shop/sa/web", id.path());
        assertTrue(id.isMemberOf("example.org"));
        assertEquals("", SpiffeId.parse("spiffe://example.org").path());
        assertEquals(SpiffeId.parse("spiffe://example.org/a"), SpiffeId.parse("spiffe://example.org/a"));
        assertEquals(SpiffeId.parse("spiffe://example.org/a").hashCode(), SpiffeId.parse("spiffe://example.org/a").hashCode());
        assertNotEquals(SpiffeId.parse("spiffe://example.org/a"), SpiffeId.parse("spiffe://example.org/A"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.org/a         | the scheme must be 'spiffe://'",
        "SPIFFE://example.org/a       | the scheme must be lower-case 'spiffe://'",
        "spiffe:/example.org/a        | the scheme must be 'spiffe://'",
        "spiffe://                    | the trust domain is missing",
        "spiffe:///a                  | the trust domain is missing",
        "spiffe://Example.org/a       | the trust domain may only contain lower-case letters, digits, '.', '-' and '_' (found 'E')",
        "spiffe://exa%20mple.org      | the trust domain may only contain lower-case letters, digits, '.', '-' and '_' (found '%')",
        "spiffe://example.org:8080/a  | a port is not allowed",
        "spiffe://user@example.org/a  | userinfo is not allowed",
        "spiffe://example.org/a?x=1   | a query is not allowed",
        "spiffe://example.org/a#frag  | a fragment is not allowed",
        "spiffe://example.org/        | the path is '/' (leave it out for the trust domain's own ID)",
        "spiffe://example.org/a/      | the path must not end with '/'",
        "spiffe://example.org//a      | the path has an empty segment ('//')",
        "spiffe://example.org/a/./b   | the path has a '.' segment",
        "spiffe://example.org/a/../b  | the path has a '..' segment",
        "spiffe://example.org/a b     | path segments may only contain letters, digits, '.', '-' and '_' (found ' ')",
        "spiffe://example.org/a%2Fb   | path segments may only contain letters, digits, '.', '-' and '_' (found '%')",
    })
    void refusesInvalidIdsNamingTheRule(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(text));
        assertEquals("'" + text + "' is not a SPIFFE ID: " + reason, e.getMessage());
    }

    @Test
    void refusesEmptyAndOverlongIds() {
        assertEquals("SPIFFE ID is empty", assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse("")).getMessage());
        String longest = "spiffe://example.org/" + "a".repeat(SpiffeId.MAX_LENGTH - "spiffe://example.org/".length());
        assertEquals(longest, SpiffeId.parse(longest).toString());
        String tooLong = longest + "a";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(tooLong)).getMessage()
                .endsWith("longer than 2048 characters (2049)"));
        String longDomain = "spiffe://" + "d".repeat(256) + "/a";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(longDomain)).getMessage()
                .endsWith("the trust domain is longer than 255 characters"));
    }

    @Test
    void namesTrustDomainsByTheSameRules() {
        assertEquals("spiffe://example.org", SpiffeId.ofTrustDomain("example.org").toString());
        assertEquals("'Example.org' is not a trust domain name: the trust domain may only contain lower-case letters, "
                + "digits, '.', '-' and '_' (found 'E')",
                assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofTrustDomain("Example.org")).getMessage());
        assertEquals("'example.org:443' is not a trust domain name: a port is not allowed",
                assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofTrustDomain("example.org:443")).getMessage());
        assertEquals("'' is not a trust domain name: the trust domain is missing",
                assertThrows(IllegalArgumentException.class, () -> SpiffeId.ofTrustDomain("")).getMessage());
    }

    @Test
    void readsTheOneUriSanOfACertificate() {
        CertificateAuthority ca = TestPki.root(TestPki.DOMAIN);
        CertifiedKey leaf = ca.issue(TestPki.id("web"), Duration.ofHours(1));
        assertEquals(Optional.of(TestPki.id("web")), SpiffeId.fromCertificate(leaf.leaf()));
        // A CA carries its trust domain's own ID.
        assertEquals(Optional.of(SpiffeId.ofTrustDomain(TestPki.DOMAIN)), SpiffeId.fromCertificate(ca.root()));
    }

    @Test
    void aCertificateWithoutExactlyOneSpiffeUriSanHasNoId() throws Exception {
        assertEquals(Optional.empty(), SpiffeId.fromCertificate(TestCertificates.withUriSans()));
        assertEquals(Optional.empty(), SpiffeId.fromCertificate(TestCertificates.withUriSans("https://example.org/a")));
        assertEquals(Optional.empty(), SpiffeId.fromCertificate(
                TestCertificates.withUriSans("spiffe://example.org/a", "spiffe://example.org/b")));
    }
}
