package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What TLS must never do: allow an older version than configured, leak a key, fall back to plain text. */
class TlsHardeningTest {

    @TempDir
    Path dir;

    @Test
    void aTls13OnlyListenerRefusesATls12Client() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path certs = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        String yaml = MtlsProxyTest.inboundYaml(certs, "spiffe://cluster.local/").replace(
                "common_tls_context:\n", "common_tls_context:\n"
                        + "            tls_params: { tls_minimum_protocol_version: TLSv1_3 }\n");
        assertTrue(yaml.contains("tls_params"), "the YAML was patched");
        CertifiedKey caller = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1));
        try (TestUpstream app = TestUpstream.named("payments"); ProxyFixture in = ProxyFixture.start(yaml, app)) {
            int port = in.sidecar().listenerAddress("inbound").getPort();
            assertTrue(get(port, caller, "TLSv1.3").startsWith("HTTP/1.1 200"), "TLS 1.3 is served");
            assertThrows(IOException.class, () -> get(port, caller, "TLSv1.2"), "TLS 1.2 is refused");
        }
    }

    @Test
    void inlinePrivateKeysNeverAppearInTheConfigDump() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        CertifiedKey key = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLEE), Duration.ofHours(1));
        String keyPem = Pem.writePrivateKey(key.key());
        Path certs = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        String yaml = MtlsProxyTest.inboundYaml(certs, "spiffe://cluster.local/")
                .replace("private_key: { filename: " + certs.resolve("key.pem") + " }",
                        "private_key: { inline_string: \"" + keyPem.replace("\n", "\\n") + "\" }")
                .replace("certificate_chain: { filename: " + certs.resolve("cert.pem") + " }",
                        "certificate_chain: { inline_string: \"" + Pem.writeCertificates(key.chain()).replace("\n", "\\n")
                                + "\" }");
        assertTrue(yaml.contains("inline_string"), "the YAML was patched");
        try (TestUpstream app = TestUpstream.named("payments"); ProxyFixture in = ProxyFixture.start(yaml, app)) {
            String dump = in.admin("GET", "/config_dump").body();
            String body = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            assertFalse(dump.contains(body), "the key is in /config_dump");
            assertTrue(dump.contains("[redacted]"), dump);
            assertTrue(in.admin("GET", "/certs").body().contains(MtlsProxyTest.CALLEE), "the inline key serves");
        }
    }

    @Test
    void withoutValidCredentialsAChainRefusesConnectionsInsteadOfFallingBackToPlainText() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path certs = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        Files.delete(certs.resolve("key.pem"));
        try (TestUpstream app = TestUpstream.named("payments");
                ProxyFixture in = ProxyFixture.start(MtlsProxyTest.inboundYaml(certs, "spiffe://cluster.local/"), app)) {
            int port = in.sidecar().listenerAddress("inbound").getPort();
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                int first;
                try {
                    first = s.getInputStream().read();
                } catch (java.net.SocketException e) {
                    first = -1; // reset: closed without an answer too
                }
                assertTrue(first < 0, "closed without an answer");
            }
            Await.until("the refusal is counted", Duration.ofSeconds(5), () -> {
                try {
                    return in.admin("GET", "/stats/prometheus").body().contains("reason=\"tls_no_credentials\"");
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(app.requestsStarted() == 0);
        }
    }

    private static String get(int port, CertifiedKey key, String version) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", key.key(), new char[0], key.chain().toArray(new java.security.cert.Certificate[0]));
        kmf.init(ks, new char[0]);
        ssl.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setEnabledProtocols(new String[] {version});
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (reply.isEmpty()) {
                throw new IOException("closed");
            }
            return reply;
        }
    }
}
