package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.RouteConfigYaml.translate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.outrigger.sidecar.route.AppendAction;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.route.DirectResponseAction;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderAddition;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.HeaderMutations;
import dev.outrigger.sidecar.route.HeaderRules;
import dev.outrigger.sidecar.route.HeaderTemplate;
import dev.outrigger.sidecar.route.PathMatcher;
import dev.outrigger.sidecar.route.PathRewrite;
import dev.outrigger.sidecar.route.QueryParameterMatcher;
import dev.outrigger.sidecar.route.RedirectAction;
import dev.outrigger.sidecar.route.Route;
import dev.outrigger.sidecar.route.RouteMatch;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.sidecar.route.TestRequest;
import dev.outrigger.sidecar.route.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteConfigTranslatorTest {

    static final String FULL = """
            name: outbound
            most_specific_header_mutations_wins: true
            request_headers_to_add:
            - header: {key: X-Table, value: "t"}
            request_headers_to_remove: [x-internal]
            response_headers_to_add:
            - header: {key: x-served-by, value: "%HOSTNAME%"}
              append_action: OVERWRITE_IF_EXISTS_OR_ADD
            response_headers_to_remove: [server]
            virtual_hosts:
            - name: shop
              domains: ["Shop.Example.com", "*.shop.example.com", "shop.*"]
              request_headers_to_add:
              - header: {key: x-client, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"}
                append: false
              - header: {key: x-via, value: "outrigger %PROTOCOL% 100%%"}
                append: true
              routes:
              - name: health
                match: {path: /health}
                direct_response: {status: 200, body: {inline_string: ok}}
              - name: legacy
                match: {prefix: /old/, case_sensitive: false}
                redirect: {prefix_rewrite: /new/, response_code: PERMANENT_REDIRECT, https_redirect: true,
                           strip_query: true}
              - name: moved
                match: {path: /moved}
                redirect: {scheme_redirect: HTTP, host_redirect: www.example.com, port_redirect: 8080,
                           path_redirect: /here}
              - name: api
                match:
                  path_separated_prefix: /api
                  headers:
                  - name: X-Canary
                    string_match: {exact: "yes", ignore_case: true}
                  - name: x-debug
                    present_match: true
                    invert_match: true
                  - name: x-tenant
                  - name: x-empty
                    string_match: {suffix: "z"}
                    treat_missing_header_as_empty: true
                  query_parameters:
                  - name: v
                    string_match: {prefix: "2"}
                  - name: trace
                  - name: mode
                    present_match: true
                route:
                  weighted_clusters:
                    clusters:
                    - {name: api-v1, weight: 10}
                    - {name: api-dark}
                    - {name: api-v2, weight: 90}
                  prefix_rewrite: /v1
                  timeout: 2.5s
                  cluster_not_found_response_code: NOT_FOUND
                  host_rewrite_literal: api.internal
                request_headers_to_add:
                - header: {key: x-route, value: ""}
                  append_action: ADD_IF_ABSENT
                  keep_empty_value: true
                response_headers_to_remove: [x-upstream-secret]
              - name: items
                match:
                  safe_regex: {google_re2: {}, regex: "/items/[0-9]+"}
                  headers:
                  - {name: x-n, range_match: {start: 1, end: 5}}
                  - {name: x-old, exact_match: legacy}
                  - {name: x-any, exact_match: ""}
                  - {name: x-p, prefix_match: a}
                  - {name: x-s, suffix_match: b}
                  - {name: x-c, contains_match: c}
                  - {name: x-r, safe_regex_match: {regex: "d+"}}
                  - {name: ":method", string_match: {safe_regex: {regex: "GET|HEAD"}}}
                  - {name: x-cc, string_match: {contains: "Q", ignore_case: true}}
                route:
                  cluster: items
                  regex_rewrite: {pattern: {regex: "^/items/([0-9]+)$"}, substitution: "/v2/items/\\\\1"}
                  timeout: 0s
                  cluster_not_found_response_code: INTERNAL_SERVER_ERROR
            - name: fallback
              domains: ["*"]
              routes:
              - match: {prefix: ""}
                route: {cluster: default}
            """;

    private static HeaderAddition add(String name, String value, AppendAction action, boolean keepEmpty) {
        return new HeaderAddition(name, HeaderTemplate.parse(value), action, keepEmpty);
    }

    private static HeaderMatcher header(String name, StringMatcher m) {
        return new HeaderMatcher(name, new HeaderMatcher.Value(m), false, false);
    }

    @Test
    void fullConfigurationBecomesTheseRecords() throws Exception {
        HeaderRules tableRules = new HeaderRules(
                new HeaderMutations(List.of("x-internal"),
                        List.of(add("x-table", "t", AppendAction.APPEND_IF_EXISTS_OR_ADD, false))),
                new HeaderMutations(List.of("server"),
                        List.of(add("x-served-by", "%HOSTNAME%", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, false))));
        HeaderRules shopRules = new HeaderRules(new HeaderMutations(List.of(), List.of(
                add("x-client", "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
                        false),
                add("x-via", "outrigger %PROTOCOL% 100%%", AppendAction.APPEND_IF_EXISTS_OR_ADD, false))),
                HeaderMutations.NONE);

        Route health = new Route("health", RouteMatch.path(new PathMatcher.Exact("/health", true)),
                new DirectResponseAction(200, "ok"));
        Route legacy = new Route("legacy", RouteMatch.path(new PathMatcher.Prefix("/old/", false)),
                new RedirectAction("https", null, 0, null, new PathRewrite.ReplacePrefix(5, "/new/"), true, 308));
        Route moved = new Route("moved", RouteMatch.path(new PathMatcher.Exact("/moved", true)),
                new RedirectAction("http", "www.example.com", 8080, "/here", PathRewrite.NONE, false, 301));
        Route api = new Route("api",
                new RouteMatch(new PathMatcher.SeparatedPrefix("/api", true),
                        List.of(header("x-canary", new StringMatcher.Exact("yes", true)),
                                new HeaderMatcher("x-debug", new HeaderMatcher.Present(true), true, false),
                                new HeaderMatcher("x-tenant", new HeaderMatcher.Present(true), false, false),
                                new HeaderMatcher("x-empty", new HeaderMatcher.Value(new StringMatcher.Suffix("z", false)),
                                        false, true)),
                        List.of(new QueryParameterMatcher("v", new StringMatcher.Prefix("2", false)),
                                new QueryParameterMatcher("trace", null),
                                new QueryParameterMatcher("mode", null))),
                new ForwardAction(List.of(new ClusterWeight("api-v1", 10), new ClusterWeight("api-dark", 0),
                        new ClusterWeight("api-v2", 90)), new PathRewrite.ReplacePrefix(4, "/v1"), "api.internal",
                        Duration.ofMillis(2500), 404),
                new HeaderRules(
                        new HeaderMutations(List.of(), List.of(add("x-route", "", AppendAction.ADD_IF_ABSENT, true))),
                        new HeaderMutations(List.of("x-upstream-secret"), List.of())));
        Route items = new Route("items",
                new RouteMatch(new PathMatcher.Regex(Pattern.compile("/items/[0-9]+")),
                        List.of(new HeaderMatcher("x-n", new HeaderMatcher.Range(1, 5), false, false),
                                header("x-old", new StringMatcher.Exact("legacy", false)),
                                header("x-any", new StringMatcher.Prefix("", false)),
                                header("x-p", new StringMatcher.Prefix("a", false)),
                                header("x-s", new StringMatcher.Suffix("b", false)),
                                header("x-c", new StringMatcher.Contains("c", false)),
                                header("x-r", new StringMatcher.Regex(Pattern.compile("d+"))),
                                header(":method", new StringMatcher.Regex(Pattern.compile("GET|HEAD"))),
                                header("x-cc", new StringMatcher.Contains("Q", true))),
                        List.of()),
                new ForwardAction(List.of(new ClusterWeight("items", 1)),
                        new PathRewrite.RegexReplace(Pattern.compile("^/items/([0-9]+)$"), "/v2/items/\\1"), null,
                        Duration.ZERO, 500));
        VirtualHost shop = new VirtualHost("shop", List.of("shop.example.com", "*.shop.example.com", "shop.*"),
                List.of(health, legacy, moved, api, items), shopRules);
        VirtualHost fallback = new VirtualHost("fallback", List.of("*"), List.of(new Route("",
                RouteMatch.path(new PathMatcher.Prefix("", true)), ForwardAction.toCluster("default"))));
        RouteTable expected = new RouteTable("outbound", List.of(shop, fallback), tableRules, true);

        RouteTable actual = translate(FULL);
        // routes first: a difference there is easier to read than one in the whole table
        assertEquals(shop.routes(), actual.virtualHosts().virtualHosts().get(0).routes());
        assertEquals(expected, actual);
    }

    @Test
    void emptyConfigurationIsAnEmptyTable() throws Exception {
        assertEquals(new RouteTable(""), translate("{}"));
    }

    @Test
    void translatedTableRoutesRequests() throws Exception {
        RouteTable table = translate(FULL);
        TestRequest api = TestRequest.of("GET", "SHOP.example.com:8080", "/api/users?v=2&trace&mode=x")
                .header("x-canary", "YES").header("x-tenant", "t1").header("x-empty", "fizz");
        assertEquals("api", table.select(api).route().name());
        ForwardAction forward = assertInstanceOf(ForwardAction.class, table.select(api).route().action());
        assertEquals("/v1/users?v=2&trace&mode=x", forward.rewritePath(api.pathAndQuery()));
        assertEquals("fallback", table.select(TestRequest.of("GET", "other.org", "/api")).virtualHost().name());
        assertEquals("shop", table.select(TestRequest.of("GET", "www.shop.example.com", "/health")).virtualHost().name());
        assertEquals("shop", table.select(TestRequest.of("GET", "shop.internal", "/health")).virtualHost().name());

        TestRequest old = TestRequest.of("GET", "shop.example.com:8080", "/OLD/page?x=1");
        RedirectAction redirect = assertInstanceOf(RedirectAction.class, table.select(old).route().action());
        assertEquals("https://shop.example.com:8080/new/page", redirect.location(old, "http"));

        TestRequest item = TestRequest.of("HEAD", "shop.example.com", "/items/42?z").header("x-n", "4").header("x-old", "legacy")
                .header("x-any", "").header("x-p", "ab").header("x-s", "ab").header("x-c", "acb").header("x-r", "ddd")
                .header("x-cc", "aqa");
        ForwardAction items = assertInstanceOf(ForwardAction.class, table.select(item).route().action());
        assertEquals("/v2/items/42?z", items.rewritePath(item.pathAndQuery()));
        // two x-n values are matched as "4,5", which is no integer; Envoy never falls back to another host
        assertNull(table.select(item.header("x-n", "5")));
    }

    @Test
    void upgradeConfigsAndMaxGrpcTimeout() throws Exception {
        List<Route> routes = translate(RouteConfigYaml.vhost("""
                - match: {prefix: /ws}
                  route:
                    cluster: chat
                    upgrade_configs:
                    - {upgrade_type: WebSocket}
                    - {upgrade_type: spdy/3, enabled: false}
                - match: {prefix: /grpc}
                  route: {cluster: grpc, max_grpc_timeout: 5s}
                - match: {prefix: /uncapped}
                  route: {cluster: grpc, max_grpc_timeout: 0s}
                - match: {prefix: /}
                  route: {cluster: web}
                """)).virtualHosts().virtualHosts().get(0).routes();
        ForwardAction ws = assertInstanceOf(ForwardAction.class, routes.get(0).action());
        assertEquals(Map.of("websocket", true, "spdy/3", false), ws.upgrades());
        assertTrue(ws.allowsUpgrade("websocket", false), "the route enables what the connection manager does not");
        assertFalse(ws.allowsUpgrade("spdy/3", true), "the route disables what the connection manager enables");
        assertNull(ws.maxGrpcTimeout());
        ForwardAction grpc = assertInstanceOf(ForwardAction.class, routes.get(1).action());
        assertEquals(Duration.ofSeconds(5), grpc.maxGrpcTimeout());
        assertEquals(Map.of(), grpc.upgrades());
        assertEquals(Duration.ZERO, assertInstanceOf(ForwardAction.class, routes.get(2).action()).maxGrpcTimeout(),
                "0s is kept apart from unset: it honours grpc-timeout without a cap");
        ForwardAction web = assertInstanceOf(ForwardAction.class, routes.get(3).action());
        assertNull(web.maxGrpcTimeout(), "unset: grpc-timeout is not used");
        assertEquals(ForwardAction.toCluster("web"), web);
    }

    @Test
    void directResponseBodySources(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("body.txt");
        Files.writeString(file, "from a file", StandardCharsets.UTF_8);
        String yaml = """
                virtual_hosts:
                - name: v
                  domains: ["*"]
                  routes:
                  - {match: {prefix: /a}, direct_response: {status: 503, body: {inline_bytes: "aMOp"}}}
                  - {match: {prefix: /b}, direct_response: {status: 404, body: {filename: "%s"}}}
                  - {match: {prefix: /c}, direct_response: {status: 204}}
                """.formatted(file);
        List<Route> routes = translate(yaml).virtualHosts().virtualHosts().get(0).routes();
        assertEquals(new DirectResponseAction(503, "hé"), routes.get(0).action());
        assertEquals(new DirectResponseAction(404, "from a file"), routes.get(1).action());
        assertEquals(new DirectResponseAction(204, null), routes.get(2).action());
    }
}
