package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.CertPathValidatorException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What the context builders refuse to build, and how handshake failures are explained. */
class TlsContextsTest {

    private static final CertificateAuthority CA = TestPki.root(TestPki.DOMAIN);
    private static final CertifiedKey KEY = CA.issue(TestPki.id("web"), Duration.ofHours(1));
    private static final SpiffeTrustManager TRUST = new SpiffeTrustManager(CA.trustBundle(), AllowedPeers.anyIn(TestPki.DOMAIN));

    @Test
    void refusesContextsThatWouldNotAuthenticate() {
        assertEquals("a TLS client needs a trust manager to check the server",
                assertThrows(IllegalArgumentException.class, () -> TlsContexts.client(KEY, null, List.of())).getMessage());
        assertEquals("requiring client certificates needs a trust manager to check them",
                assertThrows(IllegalArgumentException.class, () -> TlsContexts.server(KEY, null, true, List.of())).getMessage());
        assertEquals("a TLS server needs a certificate and key",
                assertThrows(IllegalArgumentException.class, () -> TlsContexts.server(null, TRUST, true, List.of())).getMessage());
    }

    @Test
    void offersTls12And13Only() throws Exception {
        for (SslProvider provider : List.of(SslProvider.OPENSSL, SslProvider.JDK)) {
            SslContext context = TlsContexts.server(provider, KEY, TRUST, true, TlsContexts.HTTP_ALPN);
            var engine = context.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
            try {
                // Netty's OpenSSL engine lists the SSLv2Hello pseudo-protocol, a hello format BoringSSL never accepts.
                assertEquals(java.util.Set.of("TLSv1.2", "TLSv1.3"), java.util.Arrays.stream(engine.getEnabledProtocols())
                        .filter(p -> !p.equals("SSLv2Hello")).collect(java.util.stream.Collectors.toSet()), provider.name());
            } finally {
                io.netty.util.ReferenceCountUtil.release(engine);
            }
        }
    }

    @Test
    void explainsHandshakeFailures() {
        PeerRefusedException refusal = new PeerRefusedException(PeerRefusedException.Kind.UNKNOWN_CA, "issued by an unknown CA",
                new CertPathValidatorException("no anchor"));
        SSLHandshakeException wrapped = new SSLHandshakeException("General OpenSslEngine problem");
        wrapped.initCause(refusal);
        assertEquals("issued by an unknown CA", HandshakeFailures.reason(wrapped));
        assertEquals("no client certificate", HandshakeFailures.reason(new SSLHandshakeException("Empty client certificate chain")));
        SSLHandshakeException alert = new SSLHandshakeException("Received fatal alert: bad_certificate");
        assertEquals("Received fatal alert: bad_certificate", HandshakeFailures.reason(new RuntimeException(alert)));
    }
}
