package dev.outrigger.sidecar.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.accesslog.LogFiles;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several policy filters in one chain, as an operator stacks them, with the access log reading
 * their decisions: a DENY filter before an ALLOW filter wins for a caller both match; an RBAC
 * filter with action LOG never refuses but marks what it matched; the local and global rate
 * limits' refusals carry their reason codes into the log; denials are counted per policy.
 */
class PolicyChainTest {

    @TempDir
    Path dir;

    private static String rbac(String name, String action, String policy, String permission, String principal) {
        return """
                - name: %s
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
                    rules:
                      action: %s
                      policies:
                        %s:
                          permissions: [ %s ]
                          principals: [ %s ]
                """.formatted(name, action, policy, permission, principal);
    }

    private String yaml(Path log, int deadPort) {
        String hcm = """
                access_log:
                - name: decisions
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: %s
                    log_format:
                      text_format_source:
                        inline_string: "%%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_FLAGS%% %%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%% %%DYNAMIC_METADATA(envoy.common:access_log_hint)%%\\n"
                """.formatted(log);
        String routes = """
                routes:
                - match: { prefix: /limited }
                  route: { cluster: app }
                  typed_per_filter_config:
                    limit:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                      stat_prefix: limited
                      token_bucket: { max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s }
                      filter_enabled: { default_value: { numerator: 100 } }
                      filter_enforced: { default_value: { numerator: 100 } }
                - match: { prefix: /global }
                  route:
                    cluster: app
                    rate_limits:
                    - actions: [ { generic_key: { descriptor_value: global } } ]
                - match: { prefix: / }
                  route: { cluster: app }
                """;
        String filters = rbac("deny-list", "DENY", "no-bad", "{ any: true }",
                "{ header: { name: x-bad, present_match: true } }")
                + rbac("allow-list", "ALLOW", "good-callers", "{ any: true }",
                        "{ header: { name: x-caller, string_match: { exact: good } } }")
                + rbac("audit", "LOG", "audit-admin", "{ url_path: { path: { prefix: /admin } } }", "{ any: true }")
                + """
                - name: limit
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                    stat_prefix: none
                - name: global
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit
                    domain: shop
                    timeout: 0.2s
                    failure_mode_deny: true
                    rate_limit_service:
                      transport_api_version: V3
                      grpc_service: { envoy_grpc: { cluster_name: rls } }
                """;
        String clusters = """
                - name: rls
                  load_assignment:
                    endpoints:
                    - lb_endpoints:
                      - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                """.formatted(deadPort);
        return PolicyConfigs.httpListener(hcm, routes, filters, clusters);
    }

    private static int status(ProxyFixture proxy, String path, Map<String, String> headers) throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", path, "app", headers, null).status();
        }
    }

    @Test
    void stackedPoliciesDecideInOrderAndTheLogSaysWhy() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        Path log = dir.resolve("access.log");
        Map<String, String> good = Map.of("x-caller", "good");
        try (TestUpstream app = TestUpstream.named("app");
                ProxyFixture proxy = ProxyFixture.start(yaml(log, nobody), app)) {
            assertEquals(403, status(proxy, "/both", Map.of("x-caller", "good", "x-bad", "1")),
                    "the DENY filter runs first and wins over the ALLOW filter's match");
            assertEquals(403, status(proxy, "/stranger", Map.of()), "the ALLOW filter denies who it does not match");
            assertEquals(200, status(proxy, "/ok", good));
            assertEquals(200, status(proxy, "/admin/users", good), "LOG never refuses");
            assertEquals(200, status(proxy, "/limited", good));
            assertEquals(429, status(proxy, "/limited", good));
            assertEquals(500, status(proxy, "/global", good), "the rate limit service is down: failure_mode_deny");

            // Each line is written just after its response, from the connection's event loop: in any order.
            List<String> lines = LogFiles.awaitLines(log, 7).stream().sorted().toList();
            assertEquals(java.util.stream.Stream.of(
                    "/both 403 rbac_denied no-bad -",
                    "/stranger 403 rbac_denied - -",
                    "/ok 200 - good-callers false",
                    "/admin/users 200 - audit-admin true",
                    "/limited 200 - good-callers false",
                    "/limited 429 local_rate_limited good-callers false",
                    "/global 500 rate_limit_service_error good-callers false").sorted().toList(), lines);

            String metrics = proxy.admin("/stats/prometheus");
            assertTrue(metrics.contains("outrigger_rbac_decisions_total{decision=\"denied\",filter=\"deny-list\","
                    + "listener=\"in\",policy=\"no-bad\",stat_prefix=\"in\"} 1.0"), metrics);
            assertTrue(metrics.contains("decision=\"denied\",filter=\"allow-list\",listener=\"in\",policy=\"none\""),
                    metrics);
            assertTrue(metrics.contains("decision=\"allowed\",filter=\"audit\",listener=\"in\",policy=\"audit-admin\""),
                    metrics);
            assertEquals(3, app.requests().size(), "/ok, /admin/users and the first /limited");
        }
    }
}
