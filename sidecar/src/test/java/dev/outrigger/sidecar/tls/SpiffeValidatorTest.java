package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.AtomicFiles;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.downstream.TlsTerminator;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's SPIFFE validator on an inbound listener: a trust bundle per trust domain, chosen by the
 * caller's SPIFFE ID, so a federated partner's CA is trusted for the partner's workloads and for
 * nothing else; and a SPIFFE bundle map file, watched, that adds a trust domain without a restart.
 */
class SpiffeValidatorTest {

    private static final String PARTNER_CALLER = "spiffe://partner.test/ns/pay/sa/api";

    @TempDir
    Path dir;

    private MeshFiles mesh;
    private CertificateAuthority partner;
    /** A CA that calls itself cluster.local but is not the mesh's: trusted only as one of the partner's CAs. */
    private CertificateAuthority impostor;
    private TestUpstream app;
    private ProxyFixture inbound;
    private LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        logs = LogCapture.of(TlsTerminator.class);
        mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        partner = CertificateAuthority.createRoot("partner.test", KeyType.EC, Duration.ofDays(1), Clock.systemUTC());
        impostor = CertificateAuthority.createRoot(MtlsProxyTest.TD, KeyType.EC, Duration.ofDays(1), Clock.systemUTC());
        app = TestUpstream.named("payments");
    }

    @AfterEach
    void stop() throws Exception {
        logs.close();
        if (inbound != null) {
            inbound.close();
        }
        app.close();
    }

    /** The inbound listener of {@link MtlsProxyTest}, its trusted_ca replaced by {@code validator} (YAML, unindented). */
    private ProxyFixture startInbound(String validator) throws Exception {
        Path certs = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        String yaml = MtlsProxyTest.inboundYaml(certs, "spiffe://");
        String line = yaml.lines().filter(l -> l.contains("trusted_ca:")).findFirst().orElseThrow();
        String indent = line.substring(0, line.indexOf("trusted_ca:"));
        return ProxyFixture.start(yaml.replace(line + "\n", validator.indent(indent.length())), app);
    }

    @Test
    void eachTrustDomainsCaVouchesOnlyForItsOwnWorkloads() throws Exception {
        Path partnerBundle = dir.resolve("partner-ca.pem");
        // The partner's bundle holds two CAs; one of them names itself cluster.local.
        AtomicFiles.write(partnerBundle, Pem.writeCertificates(List.of(partner.root(), impostor.root())));
        inbound = startInbound("""
                custom_validator_config:
                  name: envoy.tls.cert_validator.spiffe
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig
                    trust_domains:
                    - name: cluster.local
                      trust_bundle: { filename: %s }
                    - name: partner.test
                      trust_bundle: { filename: %s }
                """.formatted(dir.resolve("payments/ca.pem"), partnerBundle));
        int port = inbound.port("inbound");

        assertEquals("HTTP/1.1 200 OK", call(port, mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1))));
        assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith(";URI=" + MtlsProxyTest.CALLER));
        assertEquals("HTTP/1.1 200 OK", call(port, partner.issue(SpiffeId.parse(PARTNER_CALLER), Duration.ofHours(1))));
        assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith(";URI=" + PARTNER_CALLER));
        int served = app.requests().size();

        // The partner's bundle is trusted, but not to speak for cluster.local.
        CertifiedKey forged = impostor.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1));
        assertRefused(port, forged, "issued by a CA not in the bundle of trust domain cluster.local");
        CertificateAuthority stranger = CertificateAuthority.createRoot("other.test", KeyType.EC, Duration.ofDays(1),
                Clock.systemUTC());
        assertRefused(port, stranger.issue(SpiffeId.parse("spiffe://other.test/ns/x/sa/y"), Duration.ofHours(1)),
                "trust domain other.test is not trusted (trusted: cluster.local, partner.test)");
        assertEquals(served, app.requests().size(), "no refused caller reached the app");
    }

    @Test
    void aBundleMapFileIsWatchedAndAddsATrustDomainWithoutARestart() throws Exception {
        Path map = dir.resolve("bundle.json");
        AtomicFiles.write(map, MeshFiles.bundleMap(Map.of(MtlsProxyTest.TD, mesh.ca.root())));
        inbound = startInbound("""
                custom_validator_config:
                  name: envoy.tls.cert_validator.spiffe
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig
                    trust_bundles: { filename: %s }
                """.formatted(map));
        int port = inbound.port("inbound");
        CertifiedKey cart = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1));
        CertifiedKey api = partner.issue(SpiffeId.parse(PARTNER_CALLER), Duration.ofHours(1));
        assertEquals("HTTP/1.1 200 OK", call(port, cart));
        assertRefused(port, api, "trust domain partner.test is not trusted (trusted: cluster.local)");

        AtomicFiles.write(map, MeshFiles.bundleMap(Map.of(MtlsProxyTest.TD, mesh.ca.root(), "partner.test", partner.root())));
        Await.until("the partner is trusted once the bundle map names it", Duration.ofSeconds(10),
                () -> call(port, api).equals("HTTP/1.1 200 OK"));
        assertEquals("HTTP/1.1 200 OK", call(port, cart), "the mesh's own callers stay trusted");
        assertTrue(app.lastRequest().headers().get("x-forwarded-client-cert").endsWith(";URI=" + MtlsProxyTest.CALLER));
    }

    /** One HTTP/1.1 request over mTLS with {@code key}; the response's status line, or "refused: ..." */
    private String call(int port, CertifiedKey key) {
        try (SSLSocket s = (SSLSocket) mesh.clientContext(key).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream().write("GET /x HTTP/1.1\r\nhost: payments\r\nconnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int eol = response.indexOf("\r\n");
            return eol < 0 ? "refused: closed" : response.substring(0, eol);
        } catch (IOException e) {
            return "refused: " + e.getMessage();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(int port, CertifiedKey key, String reason) throws Exception {
        int before = logs.size();
        String result = call(port, key);
        assertTrue(result.startsWith("refused"), result);
        Await.until("a log line saying " + reason, Duration.ofSeconds(5), () -> logs.anyAfter(before, reason));
    }

}
