package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cli.Main;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user does by hand for docker compose: {@code ca init}, {@code ca issue} twice, two sidecars on the files. */
class CaCliRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void filesFromTheCliSetUpMutualTls() throws Exception {
        Path ca = dir.resolve("ca");
        Path payments = dir.resolve("payments");
        Path cart = dir.resolve("cart");
        assertEquals(0, Main.execute("ca", "init", "--trust-domain", MtlsProxyTest.TD, "--out", ca.toString()));
        assertEquals(0, Main.execute("ca", "issue", "--spiffe-id", MtlsProxyTest.CALLEE, "--ttl", "24h",
                "--ca", ca.toString(), "--out", payments.toString()));
        assertEquals(0, Main.execute("ca", "issue", "--spiffe-id", MtlsProxyTest.CALLER, "--ttl", "24h",
                "--ca", ca.toString(), "--out", cart.toString()));
        try (TestUpstream app = TestUpstream.named("payments");
                ProxyFixture in = ProxyFixture.start(MtlsProxyTest.inboundYaml(payments, "spiffe://cluster.local/"),
                        app);
                ProxyFixture out = ProxyFixture.start(MtlsProxyTest.outboundYaml(cart,
                        in.sidecar().listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE))) {
            int port = out.sidecar().listenerAddress("outbound").getPort();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith("URI=" + MtlsProxyTest.CALLER));
        }
    }
}
