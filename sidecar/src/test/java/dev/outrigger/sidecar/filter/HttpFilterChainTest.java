package dev.outrigger.sidecar.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.config.TestHttpFilter;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import dev.outrigger.xds.ConfigFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP filter framework with a test filter: filters run in order before the route's action
 * (and before a 404), a reply ends the run, per-route overrides are found route first, then
 * virtual host, then route configuration, a route can turn a filter off, and config mistakes are
 * named.
 */
class HttpFilterChainTest {

    private static final String FILTER = """
            - name: %s
              typed_config: { "@type": type.googleapis.com/google.protobuf.StringValue, value: "%s" }
            """;

    private TestUpstream app;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        TestHttpFilter.register();
        app = TestUpstream.named("app");
        proxy = ProxyFixture.start(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "a") + FILTER.formatted("second", "b"), ""), app);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    private RawHttpClient.Response get(String path, Map<String, String> headers) throws Exception {
        try (RawHttpClient c = proxy.client("in")) {
            return c.request("GET", path, "example.com", headers, null);
        }
    }

    @Test
    void perRouteOverridesAreTheMostSpecificOnes() throws Exception {
        assertEquals(List.of("first=route;principal=null;remote=127.0.0.1", "second=table;principal=null;remote=127.0.0.1"),
                get("/r", Map.of()).headers("x-test-seen"));
        assertEquals(List.of("first=vhost;principal=null;remote=127.0.0.1", "second=table;principal=null;remote=127.0.0.1"),
                get("/v", Map.of()).headers("x-test-seen"));
        assertEquals(List.of("second=table;principal=null;remote=127.0.0.1"), get("/off", Map.of()).headers("x-test-seen"),
                "the route turned the first filter off");
        RawHttpClient.Response direct = get("/direct", Map.of());
        assertEquals("direct", direct.text());
        assertEquals(2, direct.headers("x-test-seen").size(), "a direct response is filtered too");
        assertEquals(3, app.requests().size());
    }

    @Test
    void aReplyEndsTheRunBeforeTheRouteOrTheMissingRoute() throws Exception {
        RawHttpClient.Response denied = get("/r", Map.of("x-test-deny", "1"));
        assertEquals(451, denied.status());
        assertEquals("denied by first\n", denied.text());
        assertEquals("test_denied", denied.header("x-outrigger-error"));
        assertEquals(List.of("first"), denied.headers("x-test-filter"), "the second filter did not run");
        RawHttpClient.Response noRoute = get("/nowhere", Map.of("x-test-deny", "1"));
        assertEquals(451, noRoute.status(), "the filters decide before the router finds no route");
        assertEquals(404, get("/nowhere", Map.of()).status());
        assertEquals(0, app.requests().size());
        assertTrue(proxy.admin("/stats/prometheus").contains("reason=\"test_denied\""));
    }

    @Test
    void theClientAddressFollowsTrustedForwardedForHops() throws Exception {
        assertEquals("first=route;principal=null;remote=9.9.9.9",
                get("/r", Map.of("x-forwarded-for", "9.9.9.9")).headers("x-test-seen").get(0),
                "without use_remote_address the peer's own entry is trusted, as in Envoy");
        proxy.close();
        proxy = ProxyFixture.start(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "a"), "use_remote_address: true\nxff_num_trusted_hops: 1"),
                app);
        assertEquals("first=route;principal=null;remote=8.8.8.8",
                get("/r", Map.of("x-forwarded-for", "9.9.9.9, 8.8.8.8")).headers("x-test-seen").get(0));
        proxy.close();
        proxy = ProxyFixture.start(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "a"), "use_remote_address: true"), app);
        assertEquals("first=route;principal=null;remote=127.0.0.1",
                get("/r", Map.of("x-forwarded-for", "9.9.9.9")).headers("x-test-seen").get(0),
                "an edge trusts no hop by default");
    }

    @Test
    void configurationMistakesAreNamed() throws Exception {
        assertConfigError(HttpFilterChainTestYaml.yaml("""
                - name: mystery
                  typed_config: { "@type": type.googleapis.com/google.protobuf.Int32Value, value: 1 }
                """, ""), "http_filters[0]: mystery is not supported (HTTP filters: ");
        assertConfigError(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "invalid"), ""),
                "http_filters[0].typed_config.value: \"invalid\" is refused by the test filter");
        assertConfigError(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "a") + FILTER.formatted("first", "b"), ""),
                "http_filters[1].name: \"first\" is the name of an earlier filter");
        assertConfigError(HttpFilterChainTestYaml.yaml(FILTER.formatted("first", "a"), "").replace(
                "second: { \"@type\": type.googleapis.com/google.protobuf.StringValue, value: table }",
                "second: { \"@type\": type.googleapis.com/google.protobuf.Int32Value, value: 1 }"),
                "route_config.typed_per_filter_config[\"second\"]: google.protobuf.Int32Value is not a per-route "
                        + "configuration of a filter Outrigger implements");
        // Optional: an unknown filter, and an unknown per-route type, are skipped.
        proxy.close();
        proxy = ProxyFixture.start(HttpFilterChainTestYaml.yaml("""
                - name: mystery
                  is_optional: true
                  typed_config: { "@type": type.googleapis.com/google.protobuf.Int32Value, value: 1 }
                """ + FILTER.formatted("first", "a"), "").replace(
                "second: { \"@type\": type.googleapis.com/google.protobuf.StringValue, value: table }",
                """
                second:
                                        "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                                        is_optional: true
                                        config: { "@type": type.googleapis.com/google.protobuf.Int32Value, value: 1 }"""),
                app);
        assertEquals(List.of("first=route;principal=null;remote=127.0.0.1"), get("/r", Map.of()).headers("x-test-seen"));
    }

    private void assertConfigError(String yaml, String message) throws Exception {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> ConfigLoader.load(ProxyFixture.write(yaml, app)));
        assertTrue(e.getMessage().contains(message), e.getMessage() + "\n" + yaml);
    }
}
