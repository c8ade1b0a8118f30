package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.TlsContexts;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same mTLS call on the JDK's TLS, for machines where BoringSSL does not load. */
class JdkProviderTest {

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        System.clearProperty(TlsContexts.PROVIDER_PROPERTY);
    }

    @Test
    void mutualTlsWorksOnTheJdkProvider() throws Exception {
        System.setProperty(TlsContexts.PROVIDER_PROPERTY, "jdk");
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callee = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        Path caller = mesh.issue("cart", MtlsProxyTest.CALLER, Duration.ofHours(1));
        try (TestUpstream app = TestUpstream.named("payments");
                ProxyFixture in = ProxyFixture.start(MtlsProxyTest.inboundYaml(callee, "spiffe://cluster.local/"), app);
                ProxyFixture out = ProxyFixture.start(MtlsProxyTest.outboundYaml(caller,
                        in.sidecar().listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE))) {
            assertTrue(in.admin("GET", "/certs").body().contains("JDK provider"), "the JDK's TLS is in use");
            int port = out.sidecar().listenerAddress("outbound").getPort();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith("URI=" + MtlsProxyTest.CALLER));
        }
    }
}
