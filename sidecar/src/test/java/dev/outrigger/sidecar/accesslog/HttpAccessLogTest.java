package dev.outrigger.sidecar.accesslog;

import static dev.outrigger.testing.Http2TestClient.await;
import static dev.outrigger.sidecar.accesslog.LogFiles.awaitLines;
import static dev.outrigger.sidecar.accesslog.LogFiles.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs of an HTTP connection manager, end to end: requests through a real sidecar to a
 * real upstream, lines read back from the files the sidecar writes, in Envoy's default format
 * and in a JSON format.
 */
class HttpAccessLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Envoy's default format, as the sidecar writes it. */
    private static final Pattern DEFAULT_LINE = Pattern.compile(
            "\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)] \"(\\S+) (\\S+) (\\S+)\" (\\d+) (\\S+) (\\d+) (\\d+) "
                    + "(\\d+) (\\S+) \"([^\"]*)\" \"([^\"]*)\" \"([^\"]*)\" \"([^\"]*)\" \"([^\"]*)\"");

    @TempDir
    Path dir;

    private TestUpstream app;
    private ServerSocket closedPort;
    private ProxyFixture proxy;
    private Path text;
    private Path json;

    static String yaml(Path text, Path json) {
        return """
                static_resources:
                  listeners:
                  - name: outbound
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: outbound
                          access_log:
                          - name: text
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                              path: %s
                          - name: json
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                              path: %s
                              log_format:
                                json_format:
                                  method: "%%REQ(:METHOD)%%"
                                  path: "%%REQ(:PATH)%%"
                                  protocol: "%%PROTOCOL%%"
                                  status: "%%RESPONSE_CODE%%"
                                  flags: "%%RESPONSE_FLAGS%%"
                                  received: "%%BYTES_RECEIVED%%"
                                  sent: "%%BYTES_SENT%%"
                                  duration: "%%DURATION%%"
                                  upstream: "%%UPSTREAM_HOST%%"
                                  cluster: "%%UPSTREAM_CLUSTER%%"
                                  route: "%%ROUTE_NAME%%"
                                  listener_remote: "%%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%%"
                                  remote: "%%DOWNSTREAM_REMOTE_ADDRESS%%"
                                  local: "%%DOWNSTREAM_LOCAL_ADDRESS%%"
                                  request_id: "%%REQ(X-REQUEST-ID)%%"
                                  caller: "%%REQ(x-caller)%%"
                                  answered_by: "%%RESP(x-answered-by)%%"
                                  policy: "%%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%%"
                                  decision: "%%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_engine_result)%%"
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              routes:
                              - name: items
                                match: { prefix: /items }
                                route: { cluster: app }
                                response_headers_to_add:
                                - header: { key: x-answered-by, value: app }
                              - name: down
                                match: { prefix: /down }
                                route: { cluster: down }
                          http_filters:
                          - name: envoy.filters.http.rbac
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
                              rules:
                                action: DENY
                                policies:
                                  deny-mallory:
                                    permissions: [ { any: true } ]
                                    principals: [ { header: { name: x-caller, string_match: { exact: mallory } } } ]
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                  clusters:
                  - name: app
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${app} } } }
                  - name: down
                    connect_timeout: 2s
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${down} } } }
                """.formatted(text, json);
    }

    @BeforeEach
    void start() throws Exception {
        app = TestUpstream.named("app");
        // A port nothing listens on: bound to find a free one, then closed.
        int down;
        try (ServerSocket s = new ServerSocket(0)) {
            down = s.getLocalPort();
        }
        text = dir.resolve("access.log");
        json = dir.resolve("access.json");
        proxy = ProxyFixture.start(yaml(text, json).replace("${down}", Integer.toString(down)), app);
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        app.close();
    }

    private static JsonNode lastJson(Path file, int n) throws Exception {
        List<String> lines = awaitLines(file, n);
        assertEquals(n, lines.size(), String.join("\n", lines));
        return JSON.readTree(lines.get(n - 1));
    }

    @Test
    void aProxiedRequestIsOneLineInEachFormat() throws Exception {
        try (RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response r = client.request("POST", "/items?id=7", "shop.local",
                    Map.of("user-agent", "curl/8", "x-caller", "web"), "hello");
            assertEquals(200, r.status());
            assertEquals("app", r.text());
        }
        String upstream = "127.0.0.1:" + app.port();
        Matcher m = DEFAULT_LINE.matcher(awaitLines(text, 1).get(0));
        assertTrue(m.matches(), "Envoy's default format: " + lines(text));
        assertEquals("POST", m.group(2));
        assertEquals("/items?id=7", m.group(3));
        assertEquals("HTTP/1.1", m.group(4));
        assertEquals("200", m.group(5));
        assertEquals("-", m.group(6), "no response flag");
        assertEquals("5", m.group(7), "request body bytes");
        assertEquals("3", m.group(8), "response body bytes");
        assertEquals("127.0.0.1", m.group(11), "x-forwarded-for as forwarded");
        assertEquals("curl/8", m.group(12));
        assertTrue(m.group(13).length() >= 32, "the generated x-request-id: " + m.group(13));
        assertEquals("shop.local", m.group(14));
        assertEquals(upstream, m.group(15));

        JsonNode line = lastJson(json, 1);
        assertEquals("POST", line.get("method").asText());
        assertEquals("/items?id=7", line.get("path").asText());
        assertEquals("HTTP/1.1", line.get("protocol").asText());
        assertEquals(200, line.get("status").asInt());
        assertTrue(line.get("flags").isNull());
        assertEquals(5, line.get("received").asInt());
        assertEquals(3, line.get("sent").asInt());
        assertTrue(line.get("duration").isNumber() && line.get("duration").asLong() >= 0, line.toString());
        assertEquals(upstream, line.get("upstream").asText());
        assertEquals("app", line.get("cluster").asText());
        assertEquals("items", line.get("route").asText());
        assertEquals("127.0.0.1", line.get("listener_remote").asText());
        assertTrue(line.get("remote").asText().startsWith("127.0.0.1:"), line.toString());
        assertEquals("127.0.0.1:" + proxy.port("outbound"), line.get("local").asText());
        assertEquals(m.group(13), line.get("request_id").asText(), "one request id in both logs");
        assertEquals("web", line.get("caller").asText());
        assertEquals("app", line.get("answered_by").asText(), "the response headers as sent downstream");
        assertTrue(line.get("policy").isNull(), "no DENY policy matched: " + line);
        assertEquals("allowed", line.get("decision").asText());
    }

    @Test
    void anRbacDenialLogsItsPolicyAndFlag() throws Exception {
        try (RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response r = client.request("GET", "/items", "shop.local", Map.of("x-caller", "mallory"), null);
            assertEquals(403, r.status());
        }
        JsonNode line = lastJson(json, 1);
        assertEquals(403, line.get("status").asInt());
        assertEquals("rbac_denied", line.get("flags").asText());
        assertEquals("deny-mallory", line.get("policy").asText());
        assertEquals("denied", line.get("decision").asText());
        assertTrue(line.get("upstream").isNull(), "never sent upstream: " + line);
        assertTrue(awaitLines(text, 1).get(0).contains("\" 403 rbac_denied 0 "), lines(text).toString());
    }

    @Test
    void localRepliesAndUpstreamFailuresLogTheirReasonCode() throws Exception {
        try (RawHttpClient client = proxy.client("outbound")) {
            RawHttpClient.Response none = client.request("GET", "/nowhere", "shop.local", Map.of(), null);
            assertEquals(404, none.status());
            assertEquals(503, client.request("GET", "/down/1", "shop.local", Map.of(), null).status());
        }
        List<String> lines = awaitLines(json, 2);
        JsonNode noRoute = JSON.readTree(lines.get(0));
        assertEquals(404, noRoute.get("status").asInt());
        assertEquals("no_route", noRoute.get("flags").asText());
        assertTrue(noRoute.get("route").isNull() && noRoute.get("cluster").isNull(), noRoute.toString());
        assertTrue(noRoute.get("sent").asInt() > 0, "the local reply's body: " + noRoute);
        JsonNode down = JSON.readTree(lines.get(1));
        assertEquals(503, down.get("status").asInt());
        assertEquals("upstream_connect_failure", down.get("flags").asText());
        assertEquals("down", down.get("cluster").asText());
        assertEquals("down", down.get("route").asText());
        assertTrue(down.get("upstream").asText().startsWith("127.0.0.1:"), down.toString());
    }

    @Test
    void anHttp2RequestIsLoggedAsHttp2() throws Exception {
        try (Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Response r = await(client.request("POST", "/items/h2", "shop.local",
                    Map.of("x-caller", "web"), "0123456789".getBytes()));
            assertEquals(200, r.status());
        }
        JsonNode line = lastJson(json, 1);
        assertEquals("HTTP/2", line.get("protocol").asText());
        assertEquals("POST", line.get("method").asText());
        assertEquals("/items/h2", line.get("path").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(10, line.get("received").asInt());
        assertEquals(3, line.get("sent").asInt());
        assertEquals("items", line.get("route").asText());
        assertTrue(DEFAULT_LINE.matcher(awaitLines(text, 1).get(0)).matches(), lines(text).toString());
        assertTrue(lines(text).get(0).contains("\"POST /items/h2 HTTP/2\" 200 - 10 3 "), lines(text).toString());
    }
}
