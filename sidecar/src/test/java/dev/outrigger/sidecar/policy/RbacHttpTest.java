package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.sidecar.tls.MeshFiles;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP RBAC filter on an inbound mTLS listener, with real callers: certificates with
 * different SPIFFE IDs, connecting from different loopback addresses (127.0.0.2, 127.0.0.3),
 * asking for different server names. Each permission and principal kind decides at least once;
 * shadow rules are counted, never enforced; routes override or turn off the filter.
 */
class RbacHttpTest {

    static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";
    static final String OPS = "spiffe://cluster.local/ns/ops/sa/admin";
    static final String WEB = "spiffe://cluster.local/ns/shop/sa/web";

    private static final String RBAC = """
            - name: authz
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
                rules:
                  action: ALLOW
                  policies:
                    cart-reads:
                      permissions:
                      - and_rules:
                          rules:
                          - header: { name: ":method", string_match: { exact: GET } }
                          - url_path: { path: { prefix: /items } }
                      principals:
                      - authenticated: { principal_name: { exact: "%s" } }
                    ops-from-admin-host:
                      permissions:
                      - not_rule: { url_path: { path: { prefix: /secret } } }
                      principals:
                      - and_ids:
                          ids:
                          - direct_remote_ip: { address_prefix: 127.0.0.2, prefix_len: 32 }
                          - authenticated: { principal_name: { prefix: "spiffe://cluster.local/ns/ops/" } }
                    web-by-name:
                      permissions:
                      - and_rules:
                          rules:
                          - requested_server_name: { exact: payments.internal }
                          - destination_ip: { address_prefix: 127.0.0.0, prefix_len: 8 }
                          - destination_port_range: { start: 1, end: 65536 }
                      principals:
                      - or_ids:
                          ids:
                          - header: { name: x-caller, string_match: { exact: web } }
                          - not_id: { any: true }
                    health-for-non-ops:
                      permissions:
                      - or_rules:
                          rules:
                          - destination_port: 1
                          - url_path: { path: { prefix: /health } }
                      principals:
                      - and_ids:
                          ids:
                          - remote_ip: { address_prefix: 127.0.0.0, prefix_len: 8 }
                          - not_id: { authenticated: { principal_name: { prefix: "spiffe://cluster.local/ns/ops/" } } }
                shadow_rules:
                  action: DENY
                  policies:
                    no-deletes:
                      permissions: [ { header: { name: ":method", string_match: { exact: DELETE } } } ]
                      principals: [ { any: true } ]
            """.formatted(CART);

    @TempDir
    Path dir;

    private MeshFiles mesh;
    private TestUpstream app;
    private ProxyFixture inbound;

    static String inboundYaml(Path certs, String httpFilters, String routes) {
        return """
                static_resources:
                  listeners:
                  - name: inbound
                    address: { socket_address: { address: 0.0.0.0, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              routes:
                %s
                          http_filters:
                %s
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                """.formatted(routes.indent(14).stripTrailing(), httpFilters.indent(10).stripTrailing())
                + MeshFiles.downstreamTls(certs, "spiffe://", "      ") + """
                  clusters:
                  - name: app
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${app} } } }
                """;
    }

    @BeforeEach
    void start() throws Exception {
        mesh = new MeshFiles("cluster.local", dir);
        app = TestUpstream.named("app");
        Path certs = mesh.issue("payments", "spiffe://cluster.local/ns/shop/sa/payments", Duration.ofHours(1));
        inbound = ProxyFixture.start(inboundYaml(certs, RBAC, """
                - match: { prefix: /public }
                  route: { cluster: app }
                  typed_per_filter_config:
                    authz: { "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute }
                - match: { prefix: /locked }
                  route: { cluster: app }
                  typed_per_filter_config:
                    authz:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute
                      rbac: { rules: { action: ALLOW } }
                - match: { prefix: / }
                  route: { cluster: app }
                """), app);
    }

    @AfterEach
    void stop() throws Exception {
        inbound.close();
        app.close();
    }

    /** One request over mTLS as {@code id}, from {@code from}, asking for server name {@code sni} (or none). */
    private RawHttpClient.Response call(String id, String from, String sni, String method, String path,
            Map<String, String> headers) throws Exception {
        CertifiedKey key = mesh.ca.issue(SpiffeId.parse(id), Duration.ofHours(1));
        SSLSocket s = (SSLSocket) mesh.clientContext(key).getSocketFactory().createSocket(
                InetAddress.getByName("127.0.0.1"), inbound.port("inbound"), InetAddress.getByName(from), 0);
        if (sni != null) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(java.util.List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
        }
        s.setSoTimeout(5000);
        try (RawHttpClient http = RawHttpClient.over(s)) {
            return http.request(method, path, "payments", headers, null);
        }
    }

    private void assertDenied(RawHttpClient.Response r) {
        assertEquals(403, r.status());
        assertEquals("rbac_denied", r.header("x-outrigger-error"));
        assertEquals("RBAC: access denied\n", r.text());
    }

    @Test
    void callersAreAllowedOrDeniedByIdentityMethodPathAndAddress() throws Exception {
        assertEquals(200, call(CART, "127.0.0.2", null, "GET", "/items/7", Map.of()).status());
        assertDenied(call(CART, "127.0.0.2", null, "POST", "/items/7", Map.of()));
        assertDenied(call(CART, "127.0.0.2", null, "GET", "/orders?items", Map.of()));
        assertEquals(200, call(OPS, "127.0.0.2", null, "POST", "/anything", Map.of()).status());
        assertDenied(call(OPS, "127.0.0.2", null, "GET", "/secret/keys", Map.of()));
        assertDenied(call(OPS, "127.0.0.3", null, "POST", "/anything", Map.of()));
        assertDenied(call(WEB, "127.0.0.2", null, "GET", "/items/7", Map.of()));
        assertEquals(200, call(WEB, "127.0.0.3", "payments.internal", "GET", "/x", Map.of("x-caller", "web")).status());
        assertDenied(call(WEB, "127.0.0.3", "other.internal", "GET", "/x", Map.of("x-caller", "web")));
        assertDenied(call(WEB, "127.0.0.3", "payments.internal", "GET", "/x", Map.of("x-caller", "mobile")));
        assertEquals(3, app.requests().size(), "no denied request reached the app");
        String metrics = inbound.admin("/stats/prometheus");
        assertTrue(metrics.contains("outrigger_rbac_decisions_total{decision=\"allowed\",filter=\"authz\",listener=\"inbound\","
                + "policy=\"cart-reads\",stat_prefix=\"inbound\"} 1.0"), metrics);
        assertTrue(metrics.contains("outrigger_rbac_decisions_total{decision=\"denied\",filter=\"authz\",listener=\"inbound\","
                + "policy=\"none\",stat_prefix=\"inbound\"} 7.0"), metrics);
        assertTrue(metrics.contains("outrigger_downstream_rq_local_error_total{listener=\"inbound\",reason=\"rbac_denied\"} 7.0"),
                metrics);
    }

    @Test
    void orRulesAndNotIdDecideToo() throws Exception {
        assertEquals(200, call(CART, "127.0.0.2", null, "GET", "/health", Map.of()).status(),
                "or_rules: the path branch matches although destination_port does not");
        assertEquals(200, call(WEB, "127.0.0.3", null, "GET", "/healthz", Map.of()).status());
        assertDenied(call(OPS, "127.0.0.3", null, "GET", "/health", Map.of()));
        assertDenied(call(CART, "127.0.0.2", null, "GET", "/metrics", Map.of()));
    }

    @Test
    void shadowRulesAreCountedButNotEnforced() throws Exception {
        assertEquals(200, call(OPS, "127.0.0.2", null, "DELETE", "/anything", Map.of()).status());
        assertEquals(200, call(OPS, "127.0.0.2", null, "GET", "/anything", Map.of()).status());
        String metrics = inbound.admin("/stats/prometheus");
        assertTrue(metrics.contains("decision=\"shadow_denied\",filter=\"authz\",listener=\"inbound\",policy=\"no-deletes\","
                + "stat_prefix=\"inbound\"} 1.0"), metrics);
        assertTrue(metrics.contains("decision=\"shadow_allowed\",filter=\"authz\",listener=\"inbound\",policy=\"none\","
                + "stat_prefix=\"inbound\"} 1.0"), metrics);
    }

    @Test
    void routesOverrideTheRules() throws Exception {
        assertEquals(200, call(WEB, "127.0.0.3", null, "POST", "/public/form", Map.of()).status(),
                "RBACPerRoute without rbac: the filter is off on this route");
        assertDenied(call(CART, "127.0.0.2", null, "GET", "/locked/items", Map.of()));
        assertDenied(call(OPS, "127.0.0.2", null, "GET", "/locked", Map.of()));
    }
}
