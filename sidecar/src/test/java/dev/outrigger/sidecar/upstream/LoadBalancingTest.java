package dev.outrigger.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every load-balancing policy through a real sidecar to three real endpoints (each answers its
 * name): hash policies keep a caller on one endpoint, least-request and peak-EWMA steer away from
 * a slow endpoint, random spreads.
 */
public class LoadBalancingTest {

    /**
     * A listener {@code in} routing everything to the cluster {@code app} of {@code endpoints},
     * with {@code clusterLb} (more cluster fields) and the route's {@code hashPolicy}.
     */
    public static String yaml(String clusterLb, String hashPolicy, TestUpstream... endpoints) {
        StringBuilder eps = new StringBuilder();
        for (TestUpstream u : endpoints) {
            eps.append("            - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
                    .append(u.port()).append(" } } }\n");
        }
        return """
                static_resources:
                  listeners:
                  - name: in
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: in
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              routes:
                              - match: { prefix: / }
                                route: { cluster: app, hash_policy: %s }
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                  clusters:
                  - name: app
                %s
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                %s""".formatted(hashPolicy, clusterLb.indent(4).stripTrailing(), eps.toString().stripTrailing());
    }

    private static String get(ProxyFixture proxy, String path, Map<String, String> headers) throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            RawHttpClient.Response r = c.request("GET", path, "app", headers, null);
            assertEquals(200, r.status(), r.text());
            return r.text();
        }
    }

    private static List<TestUpstream> three(TestUpstream... replace) {
        List<TestUpstream> out = new ArrayList<>(List.of(replace));
        for (String name : List.of("a", "b", "c")) {
            if (out.stream().noneMatch(u -> u.name().equals(name))) {
                out.add(TestUpstream.named(name));
            }
        }
        return out;
    }

    private static void closeAll(List<TestUpstream> ups) throws Exception {
        for (TestUpstream u : ups) {
            u.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lb_policy: RING_HASH", "lb_policy: MAGLEV\nmaglev_lb_config: { table_size: 251 }"})
    void aHashPolicyKeepsEachCallerOnOneEndpoint(String lb) throws Exception {
        List<TestUpstream> ups = three();
        try (ProxyFixture proxy = ProxyFixture.start(yaml(lb, "[{header: {header_name: x-user}, terminal: true},"
                + " {query_parameter: {name: tenant}}]", ups.toArray(new TestUpstream[0])))) {
            Map<String, String> endpointOf = new HashMap<>();
            for (int round = 0; round < 4; round++) {
                for (int user = 0; user < 30; user++) {
                    String got = get(proxy, "/x", Map.of("x-user", "user-" + user));
                    String before = endpointOf.putIfAbsent("user-" + user, got);
                    assertTrue(before == null || before.equals(got), "user-" + user + " moved from " + before
                            + " to " + got);
                }
            }
            assertEquals(3, new HashSet<>(endpointOf.values()).size(), "30 callers spread over the endpoints: "
                    + endpointOf);
            String tenant = get(proxy, "/x?tenant=blue", Map.of());
            for (int i = 0; i < 10; i++) {
                assertEquals(tenant, get(proxy, "/y?tenant=blue", Map.of()), "the query parameter is hashed");
            }
        } finally {
            closeAll(ups);
        }
    }

    @Test
    void randomSpreadsOverEveryEndpoint() throws Exception {
        List<TestUpstream> ups = three();
        try (ProxyFixture proxy = ProxyFixture.start(yaml("lb_policy: RANDOM", "[]", ups.toArray(new TestUpstream[0])))) {
            Map<String, Integer> count = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                count.merge(get(proxy, "/", Map.of()), 1, Integer::sum);
            }
            for (String name : List.of("a", "b", "c")) {
                int n = count.getOrDefault(name, 0);
                assertTrue(n > 50 && n < 150, "about a third each: " + count);
            }
        } finally {
            closeAll(ups);
        }
    }

    /** Ten callers at once against a slow endpoint: the policy must keep most requests off it. */
    private static Map<String, Integer> underLoad(ProxyFixture proxy, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                calls.add(pool.submit(() -> get(proxy, "/", Map.of())));
            }
            Map<String, Integer> count = new HashMap<>();
            for (Future<String> f : calls) {
                count.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            return count;
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lb_policy: LEAST_REQUEST", """
            load_balancing_policy:
              policies:
              - typed_extension_config:
                  name: ewma
                  typed_config: { "@type": type.googleapis.com/outrigger.lb.v1.PeakEwma }"""})
    void latencyAndLoadAwarePoliciesAvoidASlowEndpoint(String lb) throws Exception {
        TestUpstream slow = TestUpstream.start("c", r -> Reply.ok("c").delay(Duration.ofMillis(150)));
        List<TestUpstream> ups = three(slow);
        try (ProxyFixture proxy = ProxyFixture.start(yaml(lb, "[]", ups.toArray(new TestUpstream[0])))) {
            Map<String, Integer> count = underLoad(proxy, 300);
            int toSlow = count.getOrDefault("c", 0);
            // Round robin would send it 100; least request (2 choices of 3) about 1/9 at worst, peak EWMA fewer.
            assertTrue(toSlow < 50, "the slow endpoint got " + toSlow + " of 300: " + count);
            assertTrue(count.getOrDefault("a", 0) > 80 && count.getOrDefault("b", 0) > 80, count.toString());
        } finally {
            closeAll(ups);
        }
    }

    @Test
    void roundRobinStaysTheDefault() throws Exception {
        List<TestUpstream> ups = three();
        try (ProxyFixture proxy = ProxyFixture.start(yaml("connect_timeout: 1s", "[]", ups.toArray(new TestUpstream[0])))) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                seen.add(get(proxy, "/", Map.of()));
            }
            assertEquals(Set.of("a", "b", "c"), seen, "three requests, three endpoints in turn");
            assertTrue(proxy.admin("/clusters").contains("lb_policy::ROUND_ROBIN")
                    || proxy.admin("/clusters").contains("ROUND_ROBIN"), proxy.admin("/clusters"));
        } finally {
            closeAll(ups);
        }
    }
}
