package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotate under load: an agent rewrites the caller's certificate files with
 * short-lived certificates while requests flow without pause. New handshakes use each new
 * certificate; connections authenticated with one about to expire are replaced before it does;
 * no request fails.
 */
class RotationTest {

    /** The outbound sidecar, speaking HTTP/2 inside mTLS to the inbound one when {@code http2}. */
    static String outbound(Path certs, int port, boolean http2) {
        String yaml = MtlsProxyTest.outboundYaml(certs, port, MtlsProxyTest.CALLEE);
        if (!http2) {
            return yaml;
        }
        return yaml.replace("common_tls_context:\n", "common_tls_context:\n          alpn_protocols: [h2]\n") + """
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: { http2_protocol_options: {} }
                """;
    }

    @TempDir
    Path dir;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void fileRotationUnderLoadFailsNoRequestAndConnectionsAreReplacedBeforeExpiry(boolean http2) throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callee = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        // The caller's certificate lives 4 seconds; an agent replaces it every 1.5 seconds.
        Path caller = mesh.issue("cart", MtlsProxyTest.CALLER, Duration.ofSeconds(4));
        try (TestUpstream app = TestUpstream.named("payments");
                ProxyFixture in = ProxyFixture.start(MtlsProxyTest.inboundYaml(callee, "spiffe://cluster.local/"), app);
                ProxyFixture out = ProxyFixture.start(outbound(caller, in.sidecar().listenerAddress("inbound").getPort(),
                        http2))) {
            int port = out.sidecar().listenerAddress("outbound").getPort();
            HttpClient http = HttpClient.newHttpClient();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Thread load = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            load.start();
            long rotations = 0;
            long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
            try {
                while (System.nanoTime() < end) {
                    long next = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                    Await.until("the next rotation is due", Duration.ofSeconds(3), () -> System.nanoTime() >= next);
                    mesh.write("cart", mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofSeconds(4)));
                    rotations++;
                }
            } finally {
                running.set(false);
                load.join();
            }
            assertEquals(List.of(), failures, "requests failed during rotation");
            assertTrue(ok.get() > 100, "requests served: " + ok.get());
            Set<String> hashes = new HashSet<>();
            for (RecordedRequest r : app.requests()) {
                String xfcc = r.headers().get("x-forwarded-client-cert");
                hashes.add(xfcc.substring(xfcc.indexOf("Hash=") + 5, xfcc.indexOf(";URI=")));
            }
            // 9 s of 4 s certificates: the original could not have carried the load alone.
            assertTrue(hashes.size() >= 3, rotations + " rotations; caller certificates seen by the callee: " + hashes);
        }
    }
}
