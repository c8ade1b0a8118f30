package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.RbacYaml.http;
import static dev.outrigger.sidecar.config.RbacYaml.network;
import static dev.outrigger.sidecar.rbac.TestInput.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.rbac.CidrRange;
import dev.outrigger.sidecar.rbac.Permission;
import dev.outrigger.sidecar.rbac.Policy;
import dev.outrigger.sidecar.rbac.Principal;
import dev.outrigger.sidecar.rbac.RbacAction;
import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.sidecar.rbac.RbacEngine;
import dev.outrigger.sidecar.rbac.RbacEngine.Decision;
import dev.outrigger.sidecar.rbac.TestInput;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.sidecar.route.TestRequest;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the RBAC translator accepts, from a realistic Istio-generated policy to each permission and principal. */
class RbacTranslatorTest {

    private static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";

    /** The shape istiod generates for an ALLOW AuthorizationPolicy with two rules. */
    private static final String ISTIO_HTTP = """
            rules:
              policies:
                "ns[shop]-policy[orders]-rule[0]":
                  permissions:
                  - and_rules:
                      rules:
                      - or_rules:
                          rules:
                          - header: {name: ":method", string_match: {exact: GET}}
                          - header: {name: ":method", string_match: {exact: POST}}
                      - or_rules:
                          rules:
                          - url_path: {path: {prefix: /orders/}}
                  principals:
                  - and_ids:
                      ids:
                      - or_ids:
                          ids:
                          - authenticated: {principal_name: {exact: "spiffe://cluster.local/ns/shop/sa/cart"}}
                          - authenticated:
                              principal_name: {safe_regex: {regex: "spiffe://cluster\\\\.local/ns/ops/.*"}}
                "ns[shop]-policy[office]-rule[0]":
                  permissions:
                  - and_rules: {rules: [{any: true}]}
                  principals:
                  - and_ids:
                      ids:
                      - or_ids:
                          ids:
                          - remote_ip: {address_prefix: 203.0.113.0, prefix_len: 24}
                          - remote_ip: {address_prefix: "2001:db8::", prefix_len: 32}
                      - not_id: {direct_remote_ip: {address_prefix: 10.99.0.0, prefix_len: 16}}
            shadow_rules:
              action: DENY
              policies:
                "ns[shop]-policy[dry-run]-rule[0]":
                  permissions: [{not_rule: {url_path: {path: {prefix: /orders/}}}}]
                  principals: [{any: true}]
            shadow_rules_stat_prefix: istio_dry_run_allow_
            """;

    @Test
    void istioShapedHttpPolicy() throws Exception {
        RbacConfig config = http(ISTIO_HTTP);
        assertEquals(RbacAction.ALLOW, config.rules().action());
        assertEquals("istio_dry_run_allow_", config.shadowRulesStatPrefix());
        assertEquals("", config.statPrefix());

        TestInput cartGet = TestInput.get("/orders/17?expand=items").withPrincipal(CART);
        assertEquals(new Decision(true, "ns[shop]-policy[orders]-rule[0]"), config.enforce(cartGet));
        assertTrue(config.enforce(TestInput.http(TestRequest.of("POST", "shop", "/orders/"))
                .withPrincipal("spiffe://cluster.local/ns/ops/sa/admin")).allowed());
        assertFalse(config.enforce(TestInput.http(TestRequest.of("DELETE", "shop", "/orders/17"))
                .withPrincipal(CART)).allowed(), "DELETE is not granted");
        assertFalse(config.enforce(TestInput.get("/orders/17")
                .withPrincipal("spiffe://cluster.local/ns/shop/sa/checkout")).allowed(), "another service account");
        assertFalse(config.enforce(TestInput.get("/orders/17")).allowed(), "plain text has no identity");

        assertEquals(new Decision(true, "ns[shop]-policy[office]-rule[0]"),
                config.enforce(TestInput.get("/admin").withRemoteIp("203.0.113.40")));
        assertTrue(config.enforce(TestInput.get("/admin").withPeer("2001:db8:5::1")).allowed());
        assertFalse(config.enforce(TestInput.get("/admin").withPeer("10.99.1.1").withRemoteIp("203.0.113.40"))
                .allowed(), "the office rule excludes the 10.99/16 proxies");

        assertEquals(new Decision(false, "ns[shop]-policy[dry-run]-rule[0]"), config.shadow(TestInput.get("/admin")));
        assertEquals(new Decision(true, null), config.shadow(cartGet));
    }

    @Test
    void istioShapedNetworkPolicy() throws Exception {
        RbacConfig config = network("""
                stat_prefix: tcp.
                rules:
                  policies:
                    "ns[db]-policy[writers]-rule[0]":
                      permissions: [{and_rules: {rules: [{or_rules: {rules: [{destination_port: 5432}]}}]}}]
                      principals:
                      - and_ids: {ids: [{or_ids: {ids: [{authenticated: {principal_name: {exact: "%s"}}}]}}]}
                """.formatted(CART));
        assertEquals("tcp.", config.statPrefix());
        assertNull(config.shadowRules());
        TestInput cart = TestInput.tcp().withPrincipal(CART);
        assertTrue(config.enforce(cart.withLocal("10.0.0.1", 5432)).allowed());
        assertFalse(config.enforce(cart.withLocal("10.0.0.1", 5433)).allowed());
        assertFalse(config.enforce(TestInput.tcp().withLocal("10.0.0.1", 5432)).allowed());
    }

    @Test
    void policiesAreOrderedByNameBytes() throws Exception {
        RbacEngine rules = http("""
                rules:
                  action: DENY
                  policies:
                    b: {permissions: [{any: true}], principals: [{any: true}]}
                    a: {permissions: [{any: true}], principals: [{any: true}]}
                    Z: {permissions: [{any: true}], principals: [{any: true}]}
                    "\uD83D\uDE00": {permissions: [{any: true}], principals: [{any: true}]}
                    "\uFF01": {permissions: [{any: true}], principals: [{any: true}]}
                """).rules();
        // UTF-8 bytes, not UTF-16 units: U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80)
        assertEquals(List.of("Z", "a", "b", "\uFF01", "\uD83D\uDE00"),
                rules.policies().stream().map(Policy::name).toList());
        assertEquals(new Decision(false, "Z"), rules.evaluate(TestInput.tcp()));
    }

    @Test
    void everyPermissionKind() throws Exception {
        RbacEngine rules = http("""
                rules:
                  policies:
                    p:
                      principals: [{any: true}]
                      permissions:
                      - any: true
                      - header: {name: X-Tenant, present_match: true}
                      - url_path: {path: {exact: /Data, ignore_case: true}}
                      - destination_ip: {address_prefix: 10.1.2.3, prefix_len: 8}
                      - destination_port: 443
                      - destination_port_range: {start: 8000, end: 65536}
                      - requested_server_name: {suffix: .shop.svc}
                      - not_rule: {destination_port: 80}
                """).rules();
        List<Permission> p = rules.policies().get(0).permissions();
        assertInstanceOf(Permission.Any.class, p.get(0));
        assertEquals("x-tenant", ((Permission.Header) p.get(1)).matcher().name());
        assertEquals(new Permission.UrlPath(new StringMatcher.Exact("/Data", true)), p.get(2));
        assertTrue(p.get(2).matches(TestInput.get("/data?x=1")));
        assertEquals(new Permission.DestinationIp(CidrRange.of(ip("10.0.0.0"), 8)), p.get(3));
        assertEquals(new Permission.DestinationPort(443), p.get(4));
        assertEquals(new Permission.DestinationPortRange(8000, 65536), p.get(5));
        assertTrue(p.get(5).matches(TestInput.tcp().withLocal("10.0.0.1", 65535)));
        assertEquals(new Permission.RequestedServerName(new StringMatcher.Suffix(".shop.svc", false)), p.get(6));
        assertEquals(new Permission.Not(new Permission.DestinationPort(80)), p.get(7));
    }

    @Test
    void everyPrincipalKind() throws Exception {
        RbacEngine rules = http("""
                rules:
                  policies:
                    p:
                      permissions: [{any: true}]
                      principals:
                      - any: true
                      - authenticated: {}
                      - authenticated: {principal_name: {prefix: "spiffe://cluster.local/"}}
                      - source_ip: {address_prefix: 192.168.0.0, prefix_len: 16}
                      - direct_remote_ip: {address_prefix: "2001:db8::1", prefix_len: 128}
                      - remote_ip: {address_prefix: 0.0.0.0}
                      - header: {name: x-caller, string_match: {exact: batch}}
                      - url_path: {path: {prefix: /public/}}
                      - or_ids: {ids: [{any: true}]}
                      - not_id: {any: true}
                """).rules();
        List<Principal> p = rules.policies().get(0).principals();
        assertInstanceOf(Principal.Any.class, p.get(0));
        assertEquals(new Principal.Authenticated(null), p.get(1));
        assertEquals(new Principal.Authenticated(new StringMatcher.Prefix("spiffe://cluster.local/", false)), p.get(2));
        assertEquals(new Principal.DirectRemoteIp(CidrRange.of(ip("192.168.0.0"), 16)), p.get(3),
                "the deprecated source_ip is the socket peer");
        assertEquals(new Principal.DirectRemoteIp(CidrRange.of(ip("2001:db8::1"), 128)), p.get(4));
        assertEquals(new Principal.RemoteIp(CidrRange.of(ip("0.0.0.0"), 0)), p.get(5), "prefix_len defaults to 0");
        assertTrue(p.get(5).matches(TestInput.tcp().withPeer("198.51.100.7")));
        assertFalse(p.get(5).matches(TestInput.tcp().withPeer("2001:db8::7")));
        assertEquals("x-caller", ((Principal.Header) p.get(6)).matcher().name());
        assertEquals(new Principal.UrlPath(new StringMatcher.Prefix("/public/", false)), p.get(7));
        assertEquals(new Principal.Or(List.of(new Principal.Any())), p.get(8));
        assertEquals(new Principal.Not(new Principal.Any()), p.get(9));
    }

    @Test
    void absentRulesEnforceNothingButEmptyRulesDenyAll() throws Exception {
        RbacConfig none = http("shadow_rules_stat_prefix: s_");
        assertNull(none.rules());
        assertTrue(none.enforce(TestInput.tcp()).allowed());
        RbacConfig empty = http("rules: {}\nrules_stat_prefix: r_");
        assertEquals(new RbacEngine(RbacAction.ALLOW, List.of()), empty.rules());
        assertFalse(empty.enforce(TestInput.get("/").withPrincipal(CART)).allowed());
        assertEquals("r_", empty.statPrefix());
    }

    @Test
    void perRouteReplacesTheFilterConfigOrDisablesIt() throws Exception {
        assertSame(RbacConfig.DISABLED, RbacTranslator.perRoute(RBACPerRoute.getDefaultInstance(), FieldPath.ROOT));
        RbacConfig override = RbacTranslator.perRouteConfig(Any.pack(RBACPerRoute.newBuilder()
                .setRbac(RbacYaml.httpProto("rules: {action: DENY}")).build()), FieldPath.ROOT);
        assertEquals(new RbacEngine(RbacAction.DENY, List.of()), override.rules());
        assertNull(override.shadowRules());
    }

    @Test
    void typedConfigsAreUnpacked() throws Exception {
        Any http = Any.pack(RbacYaml.httpProto("rules: {action: LOG}"));
        assertEquals(RbacAction.LOG, RbacTranslator.httpFilter(http, FieldPath.ROOT).rules().action());
        Any tcp = Any.pack(RbacYaml.networkProto("stat_prefix: t\nenforcement_type: ONE_TIME_ON_FIRST_BYTE"));
        assertEquals("t", RbacTranslator.networkFilter(tcp, FieldPath.ROOT).statPrefix());
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.networkFilter(http, FieldPath.ROOT.field("typed_config")));
        assertEquals("typed_config: expected envoy.extensions.filters.network.rbac.v3.RBAC, got "
                + "envoy.extensions.filters.http.rbac.v3.RBAC", e.getMessage());
    }

    @Test
    void headerAndUrlPathRulesAreAcceptedOnTheNetworkFilterAndNeverMatch() throws Exception {
        RbacConfig config = network("""
                stat_prefix: tcp.
                rules:
                  action: DENY
                  policies:
                    not-get: {permissions: [{not_rule: {header: {name: ":method", exact_match: GET}}}],
                              principals: [{any: true}]}
                """);
        assertEquals(new Decision(false, "not-get"), config.enforce(TestInput.tcp()));
    }
}
