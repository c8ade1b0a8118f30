package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.outrigger.mtls.AllowedPeers;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.mtls.SpiffeTrustManager;
import dev.outrigger.mtls.UriSanMatcher;
import dev.outrigger.sidecar.downstream.TlsTerminator;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two sidecars on loopback with mutual TLS between them: a client calls its outbound sidecar,
 * which opens mTLS to the peer's inbound sidecar, which checks the caller's SPIFFE ID and hands
 * the request in plain text to its app, telling it who called in {@code x-forwarded-client-cert}.
 */
public class MtlsProxyTest {

    public static final String TD = "cluster.local";
    public static final String CALLER = "spiffe://cluster.local/ns/shop/sa/cart";
    public static final String CALLEE = "spiffe://cluster.local/ns/shop/sa/payments";

    @TempDir
    Path dir;

    private MeshFiles mesh;
    private TestUpstream app;
    private ProxyFixture inbound;
    private ProxyFixture outbound;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void start() throws Exception {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(TlsTerminator.class)).addAppender(logs);
        mesh = new MeshFiles(TD, dir);
        app = TestUpstream.named("payments");
        Path calleeCerts = mesh.issue("payments", CALLEE, Duration.ofHours(1));
        Path callerCerts = mesh.issue("cart", CALLER, Duration.ofHours(1));
        inbound = ProxyFixture.start(inboundYaml(calleeCerts, "spiffe://cluster.local/ns/shop/"), app);
        int inboundPort = inbound.sidecar().listenerAddress("inbound").getPort();
        outbound = ProxyFixture.start(outboundYaml(callerCerts, inboundPort, CALLEE));
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(TlsTerminator.class)).detachAppender(logs);
        for (AutoCloseable c : new AutoCloseable[] {outbound, inbound, app}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    public static String inboundYaml(Path certs, String peerPrefix) {
        return """
                static_resources:
                  listeners:
                  - name: inbound
                    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound
                          forward_client_cert_details: SANITIZE_SET
                          set_current_client_cert_details: { uri: true }
                          route_config:
                            virtual_hosts:
                            - name: app
                              domains: ["*"]
                              routes: [ { match: { prefix: "/" }, route: { cluster: app } } ]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                """ + MeshFiles.downstreamTls(certs, peerPrefix, "      ") + """
                  clusters:
                  - name: app
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${payments} } } }
                """;
    }

    /** {@link #outboundYaml(Path, int, String)}, speaking HTTP/2 inside mTLS (ALPN h2) when {@code http2}. */
    public static String outboundYaml(Path certs, int peerPort, String peerId, boolean http2) {
        String yaml = outboundYaml(certs, peerPort, peerId);
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

    public static String outboundYaml(Path certs, int peerPort, String peerId) {
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
                          route_config:
                            virtual_hosts:
                            - name: payments
                              domains: ["*"]
                              routes: [ { match: { prefix: "/" }, route: { cluster: payments } } ]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
                  clusters:
                  - name: payments
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                """.formatted(peerPort) + MeshFiles.upstreamTls(certs, peerId, "    ");
    }

    private HttpResponse<String> call(String path) throws Exception {
        int port = outbound.sidecar().listenerAddress("outbound").getPort();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCallSucceedsAndTheAppSeesTheCallersSpiffeId() throws Exception {
        HttpResponse<String> r = call("/pay");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("payments", r.body());
        RecordedRequest seen = app.lastRequest();
        String xfcc = seen.headers().get("x-forwarded-client-cert");
        assertTrue(xfcc.startsWith("By=" + CALLEE + ";Hash="), xfcc);
        assertTrue(xfcc.endsWith(";URI=" + CALLER), xfcc);
        String certs = outbound.admin("GET", "/certs").body();
        assertTrue(certs.contains("\"spiffe_id\" : \"" + CALLER + "\""), certs);
        java.util.regex.Matcher left = java.util.regex.Pattern.compile("\"seconds_to_expiry\" : (\\d+)").matcher(certs);
        assertTrue(left.find(), certs);
        long seconds = Long.parseLong(left.group(1));
        assertTrue(seconds > 3500 && seconds <= 3600, certs);
        java.util.regex.Matcher serial = java.util.regex.Pattern.compile("\"serial\" : \"([0-9a-f]+)\"").matcher(certs);
        assertTrue(serial.find(), certs);
        String metrics = outbound.admin("GET", "/stats/prometheus").body();
        // One series per certificate presented, naming it: a rotation replaces the series.
        java.util.regex.Matcher gauge = java.util.regex.Pattern.compile("outrigger_tls_certificate_expiry_seconds\\{serial=\""
                + serial.group(1) + "\",side=\"cluster\",source=\"[^\"]+/cart/cert.pem\",spiffe_id=\"" + CALLER
                + "\"} ([0-9.E]+)").matcher(metrics);
        assertTrue(gauge.find(), metrics);
        double left2 = Double.parseDouble(gauge.group(1));
        assertTrue(left2 > 3500 && left2 <= 3600, metrics);
        assertTrue(certs.contains("\"side\" : \"cluster\""), certs);
    }

    /** HTTP/2 between the sidecars, chosen by ALPN inside mTLS; the inbound side only speaks HTTP/2. */
    @Test
    void http2OverMtlsByAlpn() throws Exception {
        outbound.close();
        inbound.close();
        inbound = ProxyFixture.start(inboundYaml(dir.resolve("payments"), "spiffe://cluster.local/ns/shop/")
                .replace("stat_prefix: inbound\n", "stat_prefix: inbound\n          codec_type: HTTP2\n"), app);
        String h2Cluster = """
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: { http2_protocol_options: {} }
                """;
        outbound = ProxyFixture.start(outboundYaml(dir.resolve("cart"),
                inbound.sidecar().listenerAddress("inbound").getPort(), CALLEE)
                .replace("common_tls_context:\n", "common_tls_context:\n          alpn_protocols: [h2]\n")
                + h2Cluster);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = call("/h2");
            assertEquals(200, r.statusCode(), r.body());
        }
        String xfcc = app.lastRequest().headers().get("x-forwarded-client-cert");
        assertTrue(xfcc != null && xfcc.endsWith(";URI=" + CALLER), "an HTTP/2 stream finds its connection's peer: "
                + xfcc);
    }

    /** ALPN inside mTLS: the inbound listener (offering h2 then http/1.1) picks what the client offers. */
    @Test
    void alpnSelectsTheProtocolBothSidesOffer() throws Exception {
        int port = inbound.sidecar().listenerAddress("inbound").getPort();
        CertifiedKey caller = mesh.ca.issue(SpiffeId.parse(CALLER), Duration.ofHours(1));
        assertEquals("h2", negotiate(port, caller, "h2", "http/1.1"));
        assertEquals("h2", negotiate(port, caller, "http/1.1", "h2"), "the server's preference wins");
        assertEquals("http/1.1", negotiate(port, caller, "http/1.1"));
        assertEquals("", negotiate(port, caller), "a client without ALPN gets none, and is served HTTP/1.1 by detection");
    }

    /** Handshakes with {@code key}, offering {@code protocols} by ALPN; returns the one selected ("" for none). */
    private String negotiate(int port, CertifiedKey key, String... protocols) throws Exception {
        SSLContext ssl = clientContext(key);
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            javax.net.ssl.SSLParameters params = s.getSSLParameters();
            params.setApplicationProtocols(protocols);
            s.setSSLParameters(params);
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            return s.getApplicationProtocol();
        }
    }

    private SSLContext clientContext(CertifiedKey key) throws Exception {
        return mesh.clientContext(key);
    }

    /** Files rewritten with an expired or a not-yet-valid certificate: the previous one stays, and the log says why. */
    @Test
    void aRotationToAnUnusableCertificateKeepsThePreviousOne() throws Exception {
        String before = inbound.admin("GET", "/certs").body();
        try (LogCapture managerLogs = LogCapture.of(TlsContextManager.class)) {
            Instant now = Instant.now();
            CertificateAuthority past = mesh.ca.withClock(Clock.fixed(now.minus(Duration.ofHours(3)), ZoneOffset.UTC));
            mesh.write("payments", past.issue(SpiffeId.parse(CALLEE), Duration.ofHours(1)));
            Await.until("the expired certificate is refused", Duration.ofSeconds(10),
                    () -> managerLogs.any("not (re)loaded", "expired", "the previous ones stay"));
            CertificateAuthority future = mesh.ca.withClock(Clock.fixed(now.plus(Duration.ofHours(1)), ZoneOffset.UTC));
            mesh.write("payments", future.issue(SpiffeId.parse(CALLEE), Duration.ofHours(1)));
            Await.until("the not-yet-valid certificate is refused", Duration.ofSeconds(10),
                    () -> managerLogs.any("not (re)loaded", "not valid before"));
        }
        assertEquals(200, call("/still").statusCode(), "the previous certificate still serves new handshakes");
        assertEquals(before.replaceAll("\"seconds_to_expiry\" : \\d+", ""),
                inbound.admin("GET", "/certs").body().replaceAll("\"seconds_to_expiry\" : \\d+", ""));
    }

    @Test
    void aCallerWithTheWrongIdentityIsRefusedByTheOutboundCheck() throws Exception {
        outbound.close();
        int inboundPort = inbound.sidecar().listenerAddress("inbound").getPort();
        outbound = ProxyFixture.start(outboundYaml(dir.resolve("cart"), inboundPort,
                "spiffe://cluster.local/ns/shop/sa/someone-else"));
        try (LogCapture outboundLogs = LogCapture.named("dev.outrigger.sidecar.upstream.UpstreamTlsRenewal")) {
            HttpResponse<String> r = call("/pay");
            assertEquals(503, r.statusCode(), "the peer is not who the cluster expects");
            assertEquals(0, app.requestsStarted());
            String reason = "SPIFFE ID " + CALLEE + " is not allowed (expected a URI SAN matching exact "
                    + "'spiffe://cluster.local/ns/shop/sa/someone-else')";
            Await.until("the outbound side logs why", Duration.ofSeconds(5),
                    () -> outboundLogs.any("cluster 'payments': TLS handshake with", reason));
        }
    }

    @Test
    void clientsWithoutAValidCertificateAreRefusedWithAReason() throws Exception {
        int port = inbound.sidecar().listenerAddress("inbound").getPort();
        // No certificate at all.
        assertRefused(port, null, "no client certificate");
        // From another trust domain's CA.
        CertificateAuthority other = CertificateAuthority.createRoot("evil.example", KeyType.EC,
                Duration.ofDays(1), Clock.systemUTC());
        assertRefused(port, other.issue(SpiffeId.parse("spiffe://evil.example/ns/shop/sa/cart"), Duration.ofHours(1)),
                "evil.example");
        // Right CA, SPIFFE ID outside the allowed prefix.
        assertRefused(port, mesh.ca.issue(SpiffeId.parse("spiffe://cluster.local/ns/other/sa/x"), Duration.ofHours(1)),
                "spiffe://cluster.local/ns/other/sa/x");
        // Expired.
        CertificateAuthority past = mesh.ca.withClock(Clock.fixed(Instant.now().minus(Duration.ofHours(3)),
                ZoneOffset.UTC));
        assertRefused(port, past.issue(SpiffeId.parse(CALLER), Duration.ofHours(1)), "expired");
        assertEquals(0, app.requestsStarted(), "no refused client reached the app");
    }

    /** Connects with {@code key} (or none), sends a request, expects a failure and a log line containing {@code reason}. */
    private void assertRefused(int port, CertifiedKey key, String reason) throws Exception {
        int before = logs.list.size();
        SSLContext ssl = clientContext(key);
        assertThrows(IOException.class, () -> {
            try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.startHandshake();
                s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }
        });
        Await.until("a log line saying " + reason, Duration.ofSeconds(5), () -> logs.list.subList(before,
                logs.list.size()).stream().anyMatch(e -> e.getFormattedMessage().contains(reason)));
    }
}
