package dev.outrigger.sidecar.rbac;

import static dev.outrigger.sidecar.rbac.TestInput.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.sidecar.rbac.RbacEngine.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ALLOW, DENY and LOG outcomes, empty rule sets, policy order, and the filter configuration around them. */
class RbacEngineTest {

    private static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";
    private static final Policy CART_ANYTHING = new Policy("cart", List.of(new Permission.Any()),
            List.of(new Principal.Authenticated(new StringMatcher.Exact(CART, false))));
    private static final Policy READ_API = new Policy("read-api",
            List.of(new Permission.And(List.of(
                    new Permission.Header(new HeaderMatcher(":method",
                            new HeaderMatcher.Value(new StringMatcher.Exact("GET", false)), false, false)),
                    new Permission.UrlPath(new StringMatcher.Prefix("/api/", false))))),
            List.of(new Principal.Any()));
    private static final Policy BLOCKED_NET = new Policy("blocked-net", List.of(new Permission.Any()),
            List.of(new Principal.RemoteIp(CidrRange.of(ip("203.0.113.0"), 24))));

    @Test
    void allowAllowsOnlyWhatAPolicyMatches() {
        RbacEngine engine = new RbacEngine(RbacAction.ALLOW, List.of(CART_ANYTHING, READ_API));
        assertEquals(new Decision(true, "cart"), engine.evaluate(TestInput.get("/admin").withPrincipal(CART)));
        assertEquals(new Decision(true, "read-api"), engine.evaluate(TestInput.get("/api/items")));
        Decision denied = engine.evaluate(TestInput.get("/admin"));
        assertFalse(denied.allowed());
        assertNull(denied.matchedPolicy());
        assertFalse(denied.matched());
    }

    @Test
    void denyDeniesOnlyWhatAPolicyMatches() {
        RbacEngine engine = new RbacEngine(RbacAction.DENY, List.of(BLOCKED_NET));
        assertEquals(new Decision(false, "blocked-net"),
                engine.evaluate(TestInput.get("/").withRemoteIp("203.0.113.50")));
        assertEquals(new Decision(true, null), engine.evaluate(TestInput.get("/").withRemoteIp("198.51.100.1")));
    }

    @Test
    void logAllowsEverythingAndReportsTheMatch() {
        RbacEngine engine = new RbacEngine(RbacAction.LOG, List.of(BLOCKED_NET));
        Decision logged = engine.evaluate(TestInput.get("/").withRemoteIp("203.0.113.50"));
        assertTrue(logged.allowed());
        assertTrue(logged.matched());
        assertEquals("blocked-net", logged.matchedPolicy());
        assertEquals(new Decision(true, null), engine.evaluate(TestInput.get("/")));
    }

    @Test
    void emptyPolicies() {
        TestInput in = TestInput.get("/").withPrincipal(CART);
        assertEquals(new Decision(false, null), new RbacEngine(RbacAction.ALLOW, List.of()).evaluate(in),
                "an allow-list with nothing on it denies everyone");
        assertEquals(new Decision(true, null), new RbacEngine(RbacAction.DENY, List.of()).evaluate(in));
        assertEquals(new Decision(true, null), new RbacEngine(RbacAction.LOG, List.of()).evaluate(in));
    }

    @Test
    void theFirstMatchingPolicyInOrderIsReported() {
        Policy all = new Policy("a-all", List.of(new Permission.Any()), List.of(new Principal.Any()));
        Policy also = new Policy("b-all", List.of(new Permission.Any()), List.of(new Principal.Any()));
        assertEquals("a-all", new RbacEngine(RbacAction.DENY, List.of(all, also)).evaluate(TestInput.tcp())
                .matchedPolicy());
        assertEquals("b-all", new RbacEngine(RbacAction.DENY, List.of(also, all)).evaluate(TestInput.tcp())
                .matchedPolicy());
    }

    @Test
    void aPolicyNeedsBothAPermissionAndAPrincipal() {
        Policy getFromCart = new Policy("get-from-cart", READ_API.permissions(), CART_ANYTHING.principals());
        RbacEngine engine = new RbacEngine(RbacAction.ALLOW, List.of(getFromCart));
        assertTrue(engine.evaluate(TestInput.get("/api/x").withPrincipal(CART)).allowed());
        assertFalse(engine.evaluate(TestInput.get("/api/x")).allowed(), "permission without principal");
        assertFalse(engine.evaluate(TestInput.get("/web").withPrincipal(CART)).allowed(),
                "principal without permission");
    }

    @Test
    void onTcpHttpRulesNeverMatch() {
        RbacEngine allow = new RbacEngine(RbacAction.ALLOW, List.of(READ_API));
        assertFalse(allow.evaluate(TestInput.tcp()).allowed());
        Policy notApi = new Policy("not-api", List.of(new Permission.Not(READ_API.permissions().get(0))),
                List.of(new Principal.Any()));
        assertEquals(new Decision(false, "not-api"),
                new RbacEngine(RbacAction.DENY, List.of(notApi)).evaluate(TestInput.tcp()));
    }

    @Test
    void decisionsAreMadeOnceAndShared() {
        RbacEngine engine = new RbacEngine(RbacAction.ALLOW, List.of(CART_ANYTHING));
        TestInput cart = TestInput.tcp().withPrincipal(CART);
        assertSame(engine.evaluate(cart), engine.evaluate(cart));
        assertSame(engine.evaluate(TestInput.tcp()), engine.evaluate(TestInput.tcp()));
    }

    @Test
    void policyNamesAreUniqueAndPoliciesNotEmpty() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new RbacEngine(RbacAction.ALLOW, List.of(CART_ANYTHING, CART_ANYTHING)));
        assertEquals("policy cart is given twice", twice.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Policy("p", List.of(), List.of(new Principal.Any())));
        assertThrows(IllegalArgumentException.class,
                () -> new Policy("p", List.of(new Permission.Any()), List.of()));
    }

    @Test
    void configWithoutRulesAllowsAndHasNoShadow() {
        assertEquals(new Decision(true, null), RbacConfig.DISABLED.enforce(TestInput.tcp()));
        assertNull(RbacConfig.DISABLED.shadow(TestInput.tcp()));
    }

    @Test
    void shadowRulesAreEvaluatedApartFromEnforcedRules() {
        RbacConfig config = new RbacConfig(new RbacEngine(RbacAction.DENY, List.of()),
                new RbacEngine(RbacAction.ALLOW, List.of(CART_ANYTHING)), "", "shadow.");
        TestInput anonymous = TestInput.get("/");
        assertTrue(config.enforce(anonymous).allowed());
        assertEquals(new Decision(false, null), config.shadow(anonymous), "the shadow rules would deny");
        assertEquals(new Decision(true, "cart"), config.shadow(anonymous.withPrincipal(CART)));
    }
}
