package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing through a running sidecar over real sockets: virtual-host precedence, every route
 * matcher, rewrites, header rules at all three levels, direct responses and redirects. The
 * decision functions have their own unit tests; this proves the data path applies them.
 */
class RoutingTest {

    private static TestUpstream exact;
    private static TestUpstream suffix;
    private static TestUpstream prefix;
    private static TestUpstream fallback;
    private static ProxyFixture proxy;

    private static final String HCM = """
            {"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
             stat_prefix: routing,
             http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}],
             route_config: {
              name: routes,
              request_headers_to_add: [{header: {key: x-level, value: table}, append_action: APPEND_IF_EXISTS_OR_ADD}],
              response_headers_to_add: [{header: {key: x-resp-level, value: table}}],
              request_headers_to_remove: [x-drop-table],
              virtual_hosts: [
               {name: exact, domains: [api.example.com],
                request_headers_to_add: [{header: {key: x-level, value: vhost}, append_action: APPEND_IF_EXISTS_OR_ADD}],
                response_headers_to_remove: [x-upstream-secret],
                routes: [
                 {match: {path: /exact}, route: {cluster: exact}},
                 {match: {safe_regex: {regex: "/items/[0-9]+"}}, route: {cluster: exact, regex_rewrite: {pattern: {regex: "^/items/([0-9]+)$"}, substitution: "/v2/item/\\\\1"}}},
                 {match: {prefix: /hdr, headers: [{name: x-flavour, string_match: {exact: mint}}]}, route: {cluster: suffix}},
                 {match: {prefix: /hdr, headers: [{name: x-flavour, present_match: true, invert_match: true}]}, route: {cluster: prefix}},
                 {match: {prefix: /q, query_parameters: [{name: v, string_match: {exact: "2"}}]}, route: {cluster: suffix}},
                 {match: {prefix: /api/}, route: {cluster: exact, prefix_rewrite: /internal/, host_rewrite_literal: internal.svc}},
                 {match: {prefix: /weighted}, route: {weighted_clusters: {clusters: [{name: suffix, weight: 0}, {name: prefix, weight: 5}]}}},
                 {match: {prefix: /direct}, direct_response: {status: 418, body: {inline_string: "short and stout\\n"}},
                  response_headers_to_add: [{header: {key: x-resp-level, value: route}}]},
                 {match: {prefix: /old}, redirect: {path_redirect: /new, response_code: PERMANENT_REDIRECT}},
                 {match: {prefix: /secure}, redirect: {https_redirect: true}},
                 {match: {prefix: /}, route: {cluster: exact},
                  request_headers_to_add: [{header: {key: x-level, value: route}, append_action: APPEND_IF_EXISTS_OR_ADD},
                                           {header: {key: x-client, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"}}],
                  request_headers_to_remove: [x-drop-route],
                  response_headers_to_add: [{header: {key: x-resp-level, value: route}}]}
                ]},
               {name: suffix, domains: ["*.example.com"], routes: [{match: {prefix: /}, route: {cluster: suffix}}]},
               {name: prefix, domains: ["shop.*"], routes: [{match: {prefix: /}, route: {cluster: prefix}}]},
               {name: any, domains: ["*"], routes: [{match: {prefix: /, case_sensitive: false}, route: {cluster: fallback}}]}
              ]}}
            """;

    @BeforeAll
    static void start() throws Exception {
        exact = TestUpstream.start("exact", r -> Reply.ok("exact").header("x-upstream-secret", "s"));
        suffix = TestUpstream.named("suffix");
        prefix = TestUpstream.named("prefix");
        fallback = TestUpstream.named("fallback");
        String yaml = """
                static_resources:
                  listeners:
                  - name: outbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config: %s
                  clusters: [%s, %s, %s, %s]
                """.formatted(HCM.replace("\n", " "), cluster("exact", exact), cluster("suffix", suffix),
                cluster("prefix", prefix), cluster("fallback", fallback));
        proxy = ProxyFixture.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        for (TestUpstream u : List.of(exact, suffix, prefix, fallback)) {
            u.close();
        }
    }

    private static Response get(String host, String target, Map<String, String> headers) throws Exception {
        try (RawHttpClient c = proxy.client("outbound")) {
            return c.request("GET", target, host, headers, null);
        }
    }

    private static String via(String host, String target) throws Exception {
        return get(host, target, Map.of()).text();
    }

    @Test
    void virtualHostsAreChosenExactThenSuffixThenPrefixThenAny() throws Exception {
        assertEquals("exact", via("api.example.com", "/exact"));
        assertEquals("exact", via("API.Example.COM:8080", "/exact"), "case- and port-insensitive");
        assertEquals("suffix", via("www.example.com", "/"));
        assertEquals("prefix", via("shop.local", "/"));
        assertEquals("fallback", via("unknown.test", "/"));
    }

    @Test
    void routeMatchersPickTheFirstMatchingRoute() throws Exception {
        assertEquals("suffix", get("api.example.com", "/hdr", Map.of("x-flavour", "mint")).text());
        assertEquals("exact", get("api.example.com", "/hdr", Map.of("x-flavour", "lemon")).text(),
                "neither header route matches: the catch-all does");
        assertEquals("prefix", get("api.example.com", "/hdr", Map.of()).text(), "inverted presence");
        assertEquals("suffix", via("api.example.com", "/q?a=1&v=2"));
        assertEquals("exact", via("api.example.com", "/q?v=3"));
        assertEquals("exact", via("api.example.com", "/exact/not"), "exact path is not a prefix");
        assertEquals("fallback", via("unknown.test", "/ANY/Case"));
    }

    @Test
    void rewritesChangePathAndHost() throws Exception {
        assertEquals("exact", via("api.example.com", "/api/users?page=2"));
        RecordedRequest seen = exact.lastRequest();
        assertEquals("/internal/users?page=2", seen.uri());
        assertEquals("internal.svc", seen.header("host"));

        assertEquals("exact", via("api.example.com", "/items/42"));
        assertEquals("/v2/item/42", exact.lastRequest().uri());
        assertEquals("exact", via("api.example.com", "/items/x"), "regex must match the whole path");
    }

    @Test
    void weightedClustersHonourWeights() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals("prefix", via("api.example.com", "/weighted"), "weight 0 never chosen");
        }
    }

    @Test
    void headerRulesApplyAtRouteVirtualHostAndTableLevels() throws Exception {
        Response r = get("api.example.com", "/rules",
                Map.of("x-drop-route", "1", "x-drop-table", "1", "x-keep", "1"));
        RecordedRequest seen = exact.lastRequest();
        assertEquals("/rules", seen.uri());
        assertEquals(List.of("route", "vhost", "table"), seen.headers().getAll("x-level"),
                "route level first, then virtual host, then the table");
        assertEquals("127.0.0.1", seen.header("x-client"));
        assertNull(seen.header("x-drop-route"));
        assertNull(seen.header("x-drop-table"));
        assertEquals("1", seen.header("x-keep"));

        assertEquals(List.of("route", "table"), r.headers("x-resp-level"));
        assertNull(r.header("x-upstream-secret"), "removed by the virtual host's response rule");
    }

    @Test
    void directResponsesAndRedirectsAreAnsweredLocally() throws Exception {
        int before = exact.requests().size();
        Response direct = get("api.example.com", "/direct", Map.of());
        assertEquals(418, direct.status());
        assertEquals("short and stout\n", direct.text());
        assertEquals(List.of("route", "table"), direct.headers("x-resp-level"));

        Response moved = get("api.example.com", "/old?x=1", Map.of());
        assertEquals(308, moved.status());
        assertEquals("http://api.example.com/new?x=1", moved.header("location"));

        Response secure = get("api.example.com", "/secure/page", Map.of());
        assertEquals(301, secure.status());
        assertEquals("https://api.example.com/secure/page", secure.header("location"));
        assertEquals(before, exact.requests().size(), "local answers never reach an upstream");
    }
}
