package dev.outrigger.sidecar.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorsTest {

    private static final RateLimitAction GENERIC =
            new RateLimitAction.GenericKey(new DescriptorEntry("generic_key", "api"));

    private static Descriptor describe(RateLimitInput input, RateLimitAction... actions) {
        return RateLimitRule.of(actions).describe(input);
    }

    @Test
    void sourceAndDestinationCluster() {
        TestInput input = TestInput.get("/").sourceCluster("web").destinationCluster("orders");
        assertEquals(Descriptor.ofPairs("source_cluster", "web", "destination_cluster", "orders"),
                describe(input, new RateLimitAction.SourceCluster(), new RateLimitAction.DestinationCluster()));
        assertEquals(Descriptor.ofPairs("source_cluster", ""),
                describe(input.sourceCluster(""), new RateLimitAction.SourceCluster()), "an unset cluster is \"\"");
    }

    @Test
    void aRouteWithoutClusterProducesNoDescriptor() {
        TestInput input = TestInput.get("/").destinationCluster(null);
        assertNull(describe(input, GENERIC, new RateLimitAction.DestinationCluster()));
    }

    @Test
    void requestHeadersTakeTheFirstValue() {
        TestInput input = TestInput.get("/").header("x-user", "alice").header("x-user", "bob");
        assertEquals(Descriptor.ofPairs("user", "alice"),
                describe(input, new RateLimitAction.RequestHeaders("x-user", "user", false)));
    }

    @Test
    void anAbsentHeaderDropsTheDescriptorUnlessSkipped() {
        TestInput input = TestInput.get("/");
        assertNull(describe(input, GENERIC, new RateLimitAction.RequestHeaders("x-user", "user", false)));
        assertEquals(Descriptor.ofPairs("generic_key", "api"),
                describe(input, GENERIC, new RateLimitAction.RequestHeaders("x-user", "user", true)));
        assertNull(describe(input, new RateLimitAction.RequestHeaders("x-user", "user", true)),
                "a descriptor whose every entry was skipped is empty, and not produced");
    }

    @Test
    void requestHeadersReadPseudoHeadersFromTheRequestLine() {
        TestInput input = TestInput.get("/cart?x=1");
        assertEquals(Descriptor.ofPairs("path", "/cart?x=1", "method", "GET", "host", "shop.local", "h", "shop.local"),
                describe(input,
                        new RateLimitAction.RequestHeaders(":path", "path", false),
                        new RateLimitAction.RequestHeaders(":method", "method", false),
                        new RateLimitAction.RequestHeaders(":authority", "host", false),
                        new RateLimitAction.RequestHeaders("host", "h", false)));
    }

    @Test
    void remoteAddressIsWrittenAsEnvoyDoes() {
        assertEquals(Descriptor.ofPairs("remote_address", "10.1.2.3"),
                describe(TestInput.get("/").remoteIp("10.1.2.3"), new RateLimitAction.RemoteAddress()));
        assertEquals(Descriptor.ofPairs("remote_address", "2001:db8::1"),
                describe(TestInput.get("/").remoteIp("2001:db8:0:0:0:0:0:1"), new RateLimitAction.RemoteAddress()));
        assertNull(describe(TestInput.get("/").remoteIp(null), new RateLimitAction.RemoteAddress()));
    }

    @Test
    void genericKeyIsAlwaysThereAndShared() {
        DescriptorEntry fixed = new DescriptorEntry("tier", "gold");
        Descriptor d = describe(TestInput.get("/"), new RateLimitAction.GenericKey(fixed));
        assertEquals(Descriptor.ofPairs("tier", "gold"), d);
        assertSame(fixed, d.entry(0), "the configured entry is reused, not copied per request");
    }

    @Test
    void headerValueMatchNeedsEveryMatcherAndHonoursExpectMatch() {
        List<HeaderMatcher> matchers = List.of(
                new HeaderMatcher(":method", new HeaderMatcher.Value(new StringMatcher.Exact("GET", false)), false,
                        false),
                new HeaderMatcher("x-beta", new HeaderMatcher.Present(true), false, false));
        DescriptorEntry entry = new DescriptorEntry("header_match", "beta-reads");
        RateLimitAction onMatch = new RateLimitAction.HeaderValueMatch(entry, true, matchers);
        RateLimitAction onMismatch = new RateLimitAction.HeaderValueMatch(entry, false, matchers);
        TestInput both = TestInput.get("/").header("x-beta", "1");
        TestInput one = TestInput.get("/");
        assertEquals(Descriptor.of(entry), describe(both, onMatch));
        assertNull(describe(one, onMatch), "one matcher of two fails");
        assertNull(describe(both, onMismatch));
        assertEquals(Descriptor.of(entry), describe(one, onMismatch));
    }

    @Test
    void peerIdentityIsTheCallersSpiffeId() {
        RateLimitAction action = new RateLimitAction.PeerIdentity("peer_identity", false);
        assertEquals(Descriptor.ofPairs("peer_identity", "spiffe://example.org/ns/shop/sa/web"),
                describe(TestInput.get("/").principal("spiffe://example.org/ns/shop/sa/web"), action));
        assertNull(describe(TestInput.get("/"), GENERIC, action), "no certificate, no identity, no descriptor");
        assertEquals(Descriptor.ofPairs("generic_key", "api"),
                describe(TestInput.get("/"), GENERIC, new RateLimitAction.PeerIdentity("caller", true)));
    }

    @Test
    void entriesFollowActionOrderAndRulesFollowRuleOrder() {
        TestInput input = TestInput.get("/").header("x-user", "alice").remoteIp("10.0.0.1");
        List<RateLimitRule> rules = List.of(
                RateLimitRule.of(new RateLimitAction.RemoteAddress(), GENERIC),
                RateLimitRule.of(new RateLimitAction.RequestHeaders("x-missing", "m", false)),
                RateLimitRule.of(GENERIC, new RateLimitAction.RequestHeaders("x-user", "user", false)));
        assertEquals(List.of(
                Descriptor.ofPairs("remote_address", "10.0.0.1", "generic_key", "api"),
                Descriptor.ofPairs("generic_key", "api", "user", "alice")), Descriptors.of(rules, input));
    }

    @Test
    void aFilterStageUsesItsOwnRulesAndNoneWithADisableKey() {
        TestInput input = TestInput.get("/");
        RateLimitAction stageOne = new RateLimitAction.GenericKey(new DescriptorEntry("k", "one"));
        RateLimitAction disabled = new RateLimitAction.GenericKey(new DescriptorEntry("k", "disabled"));
        List<RateLimitRule> rules = List.of(
                RateLimitRule.of(GENERIC),
                new RateLimitRule(1, "", List.of(stageOne)),
                new RateLimitRule(0, "ratelimit.api.disabled", List.of(disabled)));
        assertEquals(List.of(Descriptor.ofPairs("generic_key", "api")), Descriptors.of(rules, 0, input));
        assertEquals(List.of(Descriptor.ofPairs("k", "one")), Descriptors.of(rules, 1, input));
        assertEquals(3, Descriptors.of(rules, input).size(), "without a stage every rule counts");
    }

    @Test
    void noDescriptorIsAnEmptyImmutableList() {
        List<Descriptor> none = Descriptors.of(List.of(RateLimitRule.of(new RateLimitAction.RemoteAddress())),
                TestInput.get("/").remoteIp(null));
        assertTrue(none.isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> none.add(Descriptor.ofPairs("a", "b")));
    }

    @Test
    void descriptorsMatchVerbatimOrThroughEmptyValues() {
        Descriptor wildcard = Descriptor.ofPairs("client", "", "path", "/login");
        assertTrue(wildcard.isWildcard());
        assertFalse(Descriptor.ofPairs("client", "a").isWildcard());
        assertTrue(wildcard.covers(Descriptor.ofPairs("client", "alice", "path", "/login")));
        assertFalse(wildcard.covers(Descriptor.ofPairs("client", "alice", "path", "/logout")));
        assertFalse(wildcard.covers(Descriptor.ofPairs("path", "/login", "client", "alice")), "order matters");
        assertFalse(wildcard.covers(Descriptor.ofPairs("client", "alice")), "no subset matching");
        assertNotEquals(Descriptor.ofPairs("a", "1", "b", "2"), Descriptor.ofPairs("b", "2", "a", "1"));
        assertEquals(Descriptor.ofPairs("a", "1").hashCode(), Descriptor.of(new DescriptorEntry("a", "1")).hashCode());
        assertEquals("client=, path=/login", wildcard.toString());
        assertThrows(IllegalArgumentException.class, () -> Descriptor.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DescriptorEntry("", "v"));
    }
}
