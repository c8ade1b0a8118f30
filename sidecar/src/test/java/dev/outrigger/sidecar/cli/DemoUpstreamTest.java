package dev.outrigger.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The demo upstream used by the quick start. */
class DemoUpstreamTest {

    @Test
    void namesItselfAndEchoesTheProxyHeaders() throws Exception {
        try (DemoUpstream demo = DemoUpstream.start("demo-9", 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + demo.port() + "/a/b?c=d"))
                    .header("x-request-id", "rid-1").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("demo-9", r.headers().firstValue("x-demo-upstream").orElseThrow());
            assertTrue(r.body().startsWith("demo-9: GET /a/b?c=d\n"), r.body());
            assertTrue(r.body().contains("  x-request-id: rid-1\n"), r.body());
            assertTrue(r.body().contains("  x-forwarded-for: (not set)\n"), r.body());
        }
    }

    @Test
    void aBadPortIsAUsageError() {
        assertEquals(2, Main.execute("demo-upstream", "--name", "x", "--port", "70000"));
        assertEquals(2, Main.execute("demo-upstream", "--port", "8081"));
    }
}
