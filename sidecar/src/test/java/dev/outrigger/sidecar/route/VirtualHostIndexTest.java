package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualHostIndexTest {

    private static VirtualHost vh(String name, String... domains) {
        return new VirtualHost(name, List.of(domains), List.of());
    }

    private static String find(VirtualHostIndex index, String authority) {
        VirtualHost vh = index.find(authority);
        return vh == null ? null : vh.name();
    }

    private final VirtualHostIndex index = VirtualHostIndex.of(List.of(
            vh("any", "*"),
            vh("prefix-short", "api.*"),
            vh("prefix-long", "api.example.*"),
            vh("suffix-short", "*.com"),
            vh("suffix-long", "*.example.com"),
            vh("suffix-dash", "*-bar.example.com"),
            vh("exact", "www.example.com", "10.0.0.1", "[::1]"),
            vh("exact-port", "www.example.com:8443")));

    @Test
    void exactBeatsEveryWildcard() {
        assertEquals("exact", find(index, "www.example.com"));
    }

    @Test
    void longestSuffixWins() {
        assertEquals("suffix-long", find(index, "a.example.com"));
        assertEquals("suffix-short", find(index, "a.other.com"));
        assertEquals("suffix-dash", find(index, "foo-bar.example.com"));
    }

    @Test
    void suffixBeatsPrefix() {
        // "api.example.com" matches api.*, api.example.* and *.example.com: the suffix wins
        assertEquals("suffix-long", find(index, "api.example.com"));
    }

    @Test
    void longestPrefixWinsWhenNoSuffixMatches() {
        assertEquals("prefix-long", find(index, "api.example.org"));
        assertEquals("prefix-short", find(index, "api.other.org"));
    }

    @Test
    void starIsTheLastResort() {
        assertEquals("any", find(index, "unknown.org"));
        assertEquals("any", find(index, null));
        assertEquals("any", find(index, ""));
    }

    @Test
    void wildcardMustStandForAtLeastOneCharacter() {
        VirtualHostIndex i = VirtualHostIndex.of(List.of(vh("s", "*.example.com"), vh("p", "foo.*")));
        assertNull(i.find(".example.com"));
        assertNull(i.find("foo."));
        assertEquals("s", i.find("x.example.com").name());
        assertEquals("p", i.find("foo.x").name());
    }

    @Test
    void caseInsensitive() {
        assertEquals("exact", find(index, "WWW.Example.COM"));
        VirtualHostIndex upperConfig = VirtualHostIndex.of(List.of(vh("u", "Shop.Example.com")));
        assertEquals("u", upperConfig.find("shop.example.com").name());
    }

    @Test
    void portInsensitiveAfterTryingTheFullAuthority() {
        assertEquals("exact", find(index, "www.example.com:8080"));
        // a domain with the port wins over the port-less domain
        assertEquals("exact-port", find(index, "www.example.com:8443"));
        assertEquals("exact", find(index, "10.0.0.1:80"));
        assertEquals("suffix-long", find(index, "a.example.com:80"));
        assertEquals("exact", find(index, "[::1]:8080"));
        assertEquals("any", find(index, "[::2]:8080"));
    }

    @Test
    void prefixWildcardSeesThePortBeforeItIsStripped() {
        // Envoy matches wildcards against the authority as sent: "api*" covers "api:81"
        VirtualHostIndex i = VirtualHostIndex.of(List.of(vh("p", "api*"), vh("e", "api:80")));
        assertEquals("e", i.find("api:80").name());
        assertEquals("p", i.find("api:81").name());
    }

    @Test
    void noStarMeansNoMatch() {
        VirtualHostIndex i = VirtualHostIndex.of(List.of(vh("e", "a.com")));
        assertNull(i.find("b.com"));
        assertNull(i.find(null));
        assertNotNull(i.find("a.com:1"));
    }

    @Test
    void aLoneStarServesEveryAuthorityAsIs() {
        VirtualHostIndex i = VirtualHostIndex.of(List.of(vh("all", "*")));
        for (String authority : new String[] {"127.0.0.1:8080", "[::1]:80", "WWW.Example.com", "", null}) {
            assertEquals("all", i.find(authority).name(), String.valueOf(authority));
        }
        assertNull(VirtualHostIndex.of(List.of()).find("a.com"), "no virtual hosts, no match");
    }

    @Test
    void duplicateDomainsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VirtualHostIndex.of(List.of(vh("a", "x.com"), vh("b", "X.com"))));
        assertEquals("domain \"x.com\" appears in virtual host \"a\" and again in \"b\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VirtualHostIndex.of(List.of(vh("a", "*"), vh("b", "*"))));
    }

    @Test
    void domainSyntax() {
        assertNull(VirtualHostIndex.domainProblem("*"));
        assertNull(VirtualHostIndex.domainProblem("*.a"));
        assertNull(VirtualHostIndex.domainProblem("a.*"));
        assertEquals("domain \"a.*.b\" may only have one '*', as its first or last character",
                VirtualHostIndex.domainProblem("a.*.b"));
        assertEquals("domain \"*a*\" may only have one '*', as its first or last character",
                VirtualHostIndex.domainProblem("*a*"));
        assertEquals("domain must not be empty", VirtualHostIndex.domainProblem(""));
        assertEquals("domain \"a b\" contains whitespace or a control character", VirtualHostIndex.domainProblem("a b"));
    }

    @Test
    void hostPortSplitting() {
        assertEquals(-1, HostPort.portSeparator("a.com"));
        assertEquals(5, HostPort.portSeparator("a.com:80"));
        assertEquals(-1, HostPort.portSeparator("::1"));
        assertEquals(5, HostPort.portSeparator("[::1]:80"));
        assertEquals(-1, HostPort.portSeparator("[::1]"));
        assertEquals(-1, HostPort.portSeparator("a.com:"));
        assertEquals(-1, HostPort.portSeparator("a.com:x"));
        assertEquals("::1", HostPort.addressWithoutPort("[::1]:80"));
        assertEquals("10.1.2.3", HostPort.addressWithoutPort("10.1.2.3:5000"));
    }
}
