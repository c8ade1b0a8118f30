package dev.outrigger.sidecar.rbac;

import static dev.outrigger.sidecar.rbac.TestInput.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.sidecar.route.TestRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each permission kind matching and not matching, nested sets, and what a TCP connection sees. */
class RbacPermissionTest {

    private static final Permission GET = new Permission.Header(new HeaderMatcher(":method",
            new HeaderMatcher.Value(new StringMatcher.Exact("GET", false)), false, false));
    private static final Permission API = new Permission.UrlPath(new StringMatcher.Prefix("/api/", false));
    private static final Permission PORT_8080 = new Permission.DestinationPort(8080);

    @Test
    void anyMatchesHttpAndTcp() {
        assertTrue(new Permission.Any().matches(TestInput.tcp()));
        assertTrue(new Permission.Any().matches(TestInput.get("/")));
    }

    @Test
    void headerTestsTheRequest() {
        Permission tenant = new Permission.Header(new HeaderMatcher("x-tenant",
                new HeaderMatcher.Value(new StringMatcher.Exact("blue", false)), false, false));
        assertTrue(tenant.matches(TestInput.http(TestRequest.get("shop", "/").header("X-Tenant", "blue"))));
        assertFalse(tenant.matches(TestInput.http(TestRequest.get("shop", "/").header("X-Tenant", "green"))));
        assertFalse(tenant.matches(TestInput.get("/")));
        assertTrue(GET.matches(TestInput.get("/")));
        assertFalse(GET.matches(TestInput.http(TestRequest.of("POST", "shop", "/"))));
    }

    @Test
    void pathPseudoHeaderIncludesTheQuery() {
        Permission path = new Permission.Header(new HeaderMatcher(":path",
                new HeaderMatcher.Value(new StringMatcher.Exact("/a?x=1", false)), false, false));
        assertTrue(path.matches(TestInput.get("/a?x=1")));
        assertFalse(path.matches(TestInput.get("/a")));
    }

    @Test
    void urlPathIgnoresQueryAndFragment() {
        Permission exact = new Permission.UrlPath(new StringMatcher.Exact("/data", false));
        assertTrue(exact.matches(TestInput.get("/data")));
        assertTrue(exact.matches(TestInput.get("/data?secret=1")));
        assertTrue(exact.matches(TestInput.get("/data#frag?x=1")));
        assertFalse(exact.matches(TestInput.get("/data/x")));
        assertFalse(exact.matches(TestInput.get("/DATA")));
        assertTrue(API.matches(TestInput.get("/api/v1?q=/admin")));
        assertFalse(API.matches(TestInput.get("/admin?next=/api/")));
    }

    @Test
    void urlPathHonoursIgnoreCaseAndRegex() {
        assertTrue(new Permission.UrlPath(new StringMatcher.Exact("/data", true)).matches(TestInput.get("/DaTa?x")));
        Permission regex = new Permission.UrlPath(new StringMatcher.Regex(Pattern.compile("/items/[0-9]+")));
        assertTrue(regex.matches(TestInput.get("/items/42?x=y")));
        assertFalse(regex.matches(TestInput.get("/items/42/edit")));
    }

    @Test
    void destinationIpAndPortReadTheLocalAddress() {
        TestInput in = TestInput.tcp().withLocal("10.0.0.1", 8080);
        assertTrue(new Permission.DestinationIp(CidrRange.of(ip("10.0.0.0"), 24)).matches(in));
        assertFalse(new Permission.DestinationIp(CidrRange.of(ip("10.0.1.0"), 24)).matches(in));
        assertFalse(new Permission.DestinationIp(CidrRange.of(ip("::"), 0)).matches(in));
        assertTrue(PORT_8080.matches(in));
        assertFalse(new Permission.DestinationPort(80).matches(in));
    }

    @Test
    void destinationPortRangeIsHalfOpen() {
        Permission range = new Permission.DestinationPortRange(8000, 8080);
        assertTrue(range.matches(TestInput.tcp().withLocal("10.0.0.1", 8000)));
        assertTrue(range.matches(TestInput.tcp().withLocal("10.0.0.1", 8079)));
        assertFalse(range.matches(TestInput.tcp().withLocal("10.0.0.1", 8080)));
        assertFalse(range.matches(TestInput.tcp().withLocal("10.0.0.1", 7999)));
        assertThrows(IllegalArgumentException.class, () -> new Permission.DestinationPortRange(80, 80));
    }

    @Test
    void requestedServerNameIsEmptyWithoutSni() {
        Permission sni = new Permission.RequestedServerName(new StringMatcher.Suffix(".shop.svc", false));
        assertTrue(sni.matches(TestInput.tcp().withSni("cart.shop.svc")));
        assertFalse(sni.matches(TestInput.tcp().withSni("cart.pay.svc")));
        assertFalse(sni.matches(TestInput.tcp()));
        assertTrue(new Permission.RequestedServerName(new StringMatcher.Exact("", false)).matches(TestInput.tcp()));
    }

    @Test
    void andNeedsEveryRule() {
        Permission and = new Permission.And(List.of(GET, API, PORT_8080));
        assertTrue(and.matches(TestInput.get("/api/x")));
        assertFalse(and.matches(TestInput.get("/web/x")));
        assertFalse(and.matches(TestInput.http(TestRequest.of("DELETE", "shop", "/api/x"))));
        assertFalse(and.matches(TestInput.get("/api/x").withLocal("10.0.0.1", 9090)));
    }

    @Test
    void orNeedsOneRule() {
        Permission or = new Permission.Or(List.of(new Permission.DestinationPort(80),
                new Permission.DestinationPort(443)));
        assertTrue(or.matches(TestInput.tcp().withLocal("10.0.0.1", 443)));
        assertTrue(or.matches(TestInput.tcp().withLocal("10.0.0.1", 80)));
        assertFalse(or.matches(TestInput.tcp().withLocal("10.0.0.1", 8443)));
    }

    @Test
    void notInvertsAndNests() {
        Permission notAdmin = new Permission.Not(new Permission.UrlPath(new StringMatcher.Prefix("/admin", false)));
        assertTrue(notAdmin.matches(TestInput.get("/shop")));
        assertFalse(notAdmin.matches(TestInput.get("/admin/users")));
        // GET anywhere but /admin, or anything on port 9090
        Permission nested = new Permission.Or(List.of(new Permission.And(List.of(GET, notAdmin)),
                new Permission.DestinationPort(9090)));
        assertTrue(nested.matches(TestInput.get("/shop")));
        assertFalse(nested.matches(TestInput.get("/admin")));
        assertTrue(nested.matches(TestInput.get("/admin").withLocal("10.0.0.1", 9090)));
        assertTrue(new Permission.Not(new Permission.Not(PORT_8080)).matches(TestInput.tcp()));
    }

    @Test
    void headerAndUrlPathNeverMatchOnTcpSoTheirNegationsDo() {
        TestInput tcp = TestInput.tcp();
        Permission absent = new Permission.Header(new HeaderMatcher("x-debug", new HeaderMatcher.Present(false),
                false, false));
        assertTrue(absent.matches(TestInput.get("/")), "on HTTP the header is absent");
        assertFalse(absent.matches(tcp), "on TCP there is no request to test");
        assertFalse(GET.matches(tcp));
        assertFalse(API.matches(tcp));
        assertFalse(new Permission.UrlPath(new StringMatcher.Prefix("/", false)).matches(tcp));
        assertTrue(new Permission.Not(GET).matches(tcp));
        assertTrue(new Permission.Not(API).matches(tcp));
    }

    @Test
    void setsAreImmutableCopies() {
        List<Permission> rules = new java.util.ArrayList<>(List.of(GET));
        Permission.And and = new Permission.And(rules);
        rules.add(PORT_8080);
        assertEquals(1, and.rules().size());
    }
}
