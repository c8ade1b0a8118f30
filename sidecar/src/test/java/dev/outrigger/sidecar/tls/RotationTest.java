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

    static String outbound(Path certs, int port, boolean http2) {
        return MtlsProxyTest.outboundYaml(certs, port, MtlsProxyTest.CALLEE, http2);
    }

    @TempDir
    Path dir;

    private static String serial(String certsJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"serial\" : \"([0-9a-f]+)\"").matcher(certsJson);
        return m.find() ? m.group(1) : "";
    }

    /** Which side's certificate rotates (the caller's, or the callee's), over HTTP/1.1 or HTTP/2. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"false, false", "true, false", "false, true"})
    void fileRotationUnderLoadFailsNoRequestAndConnectionsAreReplacedBeforeExpiry(boolean http2, boolean server)
            throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        // The rotating side's certificate lives 4 seconds; an agent replaces it every 1.5 seconds.
        String rotating = server ? "payments" : "cart";
        String rotatingId = server ? MtlsProxyTest.CALLEE : MtlsProxyTest.CALLER;
        Path callee = mesh.issue("payments", MtlsProxyTest.CALLEE, server ? Duration.ofSeconds(4) : Duration.ofHours(1));
        Path caller = mesh.issue("cart", MtlsProxyTest.CALLER, server ? Duration.ofHours(1) : Duration.ofSeconds(4));
        try (TestUpstream app = TestUpstream.named("payments");
                ProxyFixture in = ProxyFixture.start(MtlsProxyTest.inboundYaml(callee, "spiffe://cluster.local/"), app);
                ProxyFixture out = ProxyFixture.start(outbound(caller, in.sidecar().listenerAddress("inbound").getPort(),
                        http2))) {
            int port = out.sidecar().listenerAddress("outbound").getPort();
            String firstCerts = in.admin("GET", "/certs").body();
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
                    mesh.write(rotating, mesh.ca.issue(SpiffeId.parse(rotatingId), Duration.ofSeconds(4)));
                    rotations++;
                }
            } finally {
                running.set(false);
                load.join();
            }
            assertEquals(List.of(), failures, "requests failed during rotation");
            assertTrue(ok.get() > 100, "requests served: " + ok.get());
            if (!server) {
                Set<String> hashes = new HashSet<>();
                for (RecordedRequest r : app.requests()) {
                    String xfcc = r.headers().get("x-forwarded-client-cert");
                    hashes.add(xfcc.substring(xfcc.indexOf("Hash=") + 5, xfcc.indexOf(";URI=")));
                }
                // 9 s of 4 s certificates: the original could not have carried the load alone.
                assertTrue(hashes.size() >= 3, rotations + " rotations; caller certificates seen: " + hashes);
            } else {
                // Past the first certificate's 4 s only rotation kept handshakes working; /certs moved on.
                assertTrue(rotations >= 5, "rotations: " + rotations);
                String lastCerts = in.admin("GET", "/certs").body();
                assertTrue(!serial(lastCerts).equals(serial(firstCerts)), firstCerts + " then " + lastCerts);
            }
        }
    }
}
