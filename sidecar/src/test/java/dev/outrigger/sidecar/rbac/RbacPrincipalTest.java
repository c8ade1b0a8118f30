package dev.outrigger.sidecar.rbac;

import static dev.outrigger.sidecar.rbac.TestInput.ip;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.sidecar.route.TestRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each principal kind matching and not matching, nested sets, and what a TCP connection sees. */
class RbacPrincipalTest {

    private static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";
    private static final Principal IS_CART = new Principal.Authenticated(new StringMatcher.Exact(CART, false));
    private static final Principal FROM_10_8 = new Principal.DirectRemoteIp(CidrRange.of(ip("10.0.0.0"), 8));

    @Test
    void anyMatchesEveryCaller() {
        assertTrue(new Principal.Any().matches(TestInput.tcp()));
        assertTrue(new Principal.Any().matches(TestInput.get("/").withPrincipal(CART)));
    }

    @Test
    void authenticatedWithANameTestsTheSpiffeId() {
        assertTrue(IS_CART.matches(TestInput.tcp().withPrincipal(CART)));
        assertFalse(IS_CART.matches(TestInput.tcp().withPrincipal("spiffe://cluster.local/ns/shop/sa/checkout")));
        assertFalse(IS_CART.matches(TestInput.tcp()), "no certificate, no identity");
        Principal namespace = new Principal.Authenticated(new StringMatcher.Regex(
                Pattern.compile("spiffe://cluster\\.local/ns/shop/.*")));
        assertTrue(namespace.matches(TestInput.tcp().withPrincipal(CART)));
        assertFalse(namespace.matches(TestInput.tcp().withPrincipal("spiffe://cluster.local/ns/pay/sa/x")));
    }

    @Test
    void authenticatedWithoutANameNeedsOnlyACertificate() {
        Principal anyone = new Principal.Authenticated(null);
        assertTrue(anyone.matches(TestInput.tcp().withPrincipal("spiffe://other.domain/x")));
        assertFalse(anyone.matches(TestInput.tcp()));
        assertTrue(new Principal.Not(anyone).matches(TestInput.tcp()), "plain text is not authenticated");
    }

    @Test
    void directRemoteIpIsTheSocketPeer() {
        TestInput behindProxy = TestInput.get("/").withPeer("10.1.2.3").withRemoteIp("203.0.113.9");
        assertTrue(FROM_10_8.matches(behindProxy));
        assertFalse(FROM_10_8.matches(TestInput.tcp().withPeer("192.168.0.1")));
    }

    @Test
    void remoteIpIsTheOriginalClient() {
        Principal remote = new Principal.RemoteIp(CidrRange.of(ip("203.0.113.0"), 24));
        TestInput behindProxy = TestInput.get("/").withPeer("10.1.2.3").withRemoteIp("203.0.113.9");
        assertTrue(remote.matches(behindProxy));
        assertFalse(remote.matches(TestInput.get("/").withPeer("203.0.113.9").withRemoteIp("10.1.2.3")));
        assertFalse(remote.matches(TestInput.tcp().withPeer("2001:db8::1")));
    }

    @Test
    void ipv6Peers() {
        Principal v6 = new Principal.DirectRemoteIp(CidrRange.of(ip("2001:db8::"), 32));
        assertTrue(v6.matches(TestInput.tcp().withPeer("2001:db8:1::5")));
        assertFalse(v6.matches(TestInput.tcp().withPeer("2001:db9::5")));
        assertFalse(v6.matches(TestInput.tcp().withPeer("10.0.0.5")));
    }

    @Test
    void headerAndUrlPathOnHttpOnly() {
        Principal agent = new Principal.Header(new HeaderMatcher("user-agent",
                new HeaderMatcher.Value(new StringMatcher.Prefix("curl/", false)), false, false));
        assertTrue(agent.matches(TestInput.http(TestRequest.get("shop", "/").header("User-Agent", "curl/8.5"))));
        assertFalse(agent.matches(TestInput.http(TestRequest.get("shop", "/").header("User-Agent", "wget"))));
        assertFalse(agent.matches(TestInput.tcp()));
        assertTrue(new Principal.Not(agent).matches(TestInput.tcp()));
        Principal path = new Principal.UrlPath(new StringMatcher.Exact("/public", false));
        assertTrue(path.matches(TestInput.get("/public?x=1")));
        assertFalse(path.matches(TestInput.get("/private")));
        assertFalse(path.matches(TestInput.tcp()));
    }

    @Test
    void andOrNot() {
        Principal cartFromPodNetwork = new Principal.And(List.of(IS_CART, FROM_10_8));
        assertTrue(cartFromPodNetwork.matches(TestInput.tcp().withPrincipal(CART)));
        assertFalse(cartFromPodNetwork.matches(TestInput.tcp().withPrincipal(CART).withPeer("192.168.0.1")));
        assertFalse(cartFromPodNetwork.matches(TestInput.tcp()));

        Principal cartOrLocal = new Principal.Or(List.of(IS_CART,
                new Principal.DirectRemoteIp(CidrRange.of(ip("127.0.0.1"), 32))));
        assertTrue(cartOrLocal.matches(TestInput.tcp().withPeer("127.0.0.1")));
        assertTrue(cartOrLocal.matches(TestInput.tcp().withPrincipal(CART)));
        assertFalse(cartOrLocal.matches(TestInput.tcp()));

        Principal notCart = new Principal.Not(IS_CART);
        assertFalse(notCart.matches(TestInput.tcp().withPrincipal(CART)));
        assertTrue(notCart.matches(TestInput.tcp().withPrincipal("spiffe://cluster.local/ns/shop/sa/web")));
    }
}
