package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.TlsLoopback.Outcome;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real handshakes over loopback on BoringSSL and on the JDK: mutual TLS with SPIFFE IDs, ALPN,
 * and every refusal with the reason the refusing end reports.
 */
class MutualTlsHandshakeTest {

    private static final List<String> ALPN = TlsContexts.HTTP_ALPN;
    private static final SpiffeId SERVER = TestPki.id("server");
    private static final SpiffeId CLIENT = TestPki.id("client");

    private static final CertificateAuthority CA = TestPki.intermediate(TestPki.root(TestPki.DOMAIN));
    private static final CertifiedKey SERVER_KEY = CA.issue(SERVER, Duration.ofHours(1));
    private static final CertifiedKey CLIENT_KEY = CA.issue(CLIENT, Duration.ofHours(1), KeyType.RSA);
    /** What the server accepts: the client only. */
    private static final SpiffeTrustManager SERVER_TRUST = new SpiffeTrustManager(CA.trustBundle(), AllowedPeers.oneOf(CLIENT));
    /** What the client accepts: the server only. */
    private static final SpiffeTrustManager CLIENT_TRUST = new SpiffeTrustManager(CA.trustBundle(), AllowedPeers.oneOf(SERVER));

    private static final TlsLoopback LOOPBACK = new TlsLoopback();

    @AfterAll
    static void close() throws InterruptedException {
        LOOPBACK.close();
    }

    @Test
    void boringSslIsAvailableHere() {
        // Without it the OPENSSL cases below would test nothing; fail rather than skip.
        assertTrue(OpenSsl.isAvailable(), String.valueOf(OpenSsl.unavailabilityCause()));
        assertEquals(SslProvider.OPENSSL, TlsContexts.provider());
        assertTrue(TlsContexts.providerDescription().contains("BoringSSL"), TlsContexts.providerDescription());
    }

    @ParameterizedTest(name = "server {0}")
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void mutualTlsShowsEachEndThePeersSpiffeId(SslProvider serverProvider) throws Exception {
        for (SslProvider clientProvider : List.of(SslProvider.OPENSSL, SslProvider.JDK)) {
            Outcome o = LOOPBACK.handshake(server(serverProvider, true, ALPN),
                    TlsContexts.client(clientProvider, CLIENT_KEY, CLIENT_TRUST, ALPN));
            String what = serverProvider + " server, " + clientProvider + " client: ";
            assertTrue(o.server().succeeded(), what + o.server().reason());
            assertTrue(o.client().succeeded(), what + o.client().reason());
            assertEquals(Optional.of(CLIENT), o.server().peer(), what);
            assertEquals(Optional.of(SERVER), o.client().peer(), what);
            assertEquals("TLSv1.3", o.client().protocol(), what);
            assertEquals("h2", o.server().alpn(), what);
            assertEquals("h2", o.client().alpn(), what);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void alpnNegotiatesWhatBothEndsSpeak(SslProvider provider) throws Exception {
        SslContext server = server(provider, true, ALPN);
        assertEquals("http/1.1", LOOPBACK.handshake(server,
                TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, List.of("http/1.1"))).client().alpn());
        assertEquals("h2", LOOPBACK.handshake(server,
                TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, List.of("http/1.1", "h2"))).client().alpn(),
                "the server's preference wins");
        Outcome none = LOOPBACK.handshake(server, TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, List.of()));
        assertTrue(none.server().succeeded());
        assertNull(none.client().alpn());
        Outcome disjoint = LOOPBACK.handshake(server(provider, true, List.of("http/1.1")),
                TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, List.of("h2")));
        assertTrue(disjoint.server().succeeded(), "no protocol in common: the server selects none, the handshake goes on");
        assertNull(disjoint.client().alpn());
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void tls12ClientsWithCertificatesAreServedToo(SslProvider provider) throws Exception {
        SslContext tls12 = SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.2")
                .keyManager(CLIENT_KEY.key(), CLIENT_KEY.chain()).trustManager(CLIENT_TRUST)
                .endpointIdentificationAlgorithm(null).build();
        Outcome o = LOOPBACK.handshake(server(provider, true, ALPN), tls12);
        assertTrue(o.server().succeeded(), o.server().reason());
        assertEquals("TLSv1.2", o.client().protocol());
        assertEquals(Optional.of(CLIENT), o.server().peer());
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAClientWithoutACertificate(SslProvider provider) throws Exception {
        Outcome o = LOOPBACK.handshake(server(provider, true, ALPN), TlsContexts.client(provider, null, CLIENT_TRUST, ALPN));
        assertFalse(o.server().succeeded());
        assertEquals("no client certificate", o.server().reason());
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void optionalClientCertificatesLetAnAnonymousClientIn(SslProvider provider) throws Exception {
        Outcome o = LOOPBACK.handshake(server(provider, false, ALPN), TlsContexts.client(provider, null, CLIENT_TRUST, ALPN));
        assertTrue(o.server().succeeded(), o.server().reason());
        assertEquals(Optional.empty(), o.server().peer());
        assertEquals(Optional.of(SERVER), o.client().peer());

        Outcome plain = LOOPBACK.handshake(TlsContexts.server(provider, SERVER_KEY, null, false, ALPN),
                TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, ALPN));
        assertTrue(plain.server().succeeded(), plain.server().reason());
        assertEquals(Optional.empty(), plain.server().peer(), "no certificate requested, none sent");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAClientFromAnotherCa(SslProvider provider) throws Exception {
        CertifiedKey foreign = TestPki.root("other.test").issue(SpiffeId.parse("spiffe://other.test/client"), Duration.ofHours(1));
        Outcome o = LOOPBACK.handshake(server(provider, true, ALPN), TlsContexts.client(provider, foreign, CLIENT_TRUST, ALPN));
        assertRefusedByServer(o, "issued by an unknown CA (trust domain other.test; trusted: example.org)", "unknown_ca", provider);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAClientWithAnotherSpiffeId(SslProvider provider) throws Exception {
        CertifiedKey intruder = CA.issue(TestPki.id("intruder"), Duration.ofHours(1));
        Outcome o = LOOPBACK.handshake(server(provider, true, ALPN), TlsContexts.client(provider, intruder, CLIENT_TRUST, ALPN));
        assertRefusedByServer(o, "SPIFFE ID spiffe://example.org/intruder is not allowed (expected spiffe://example.org/client)",
                "bad_certificate", provider);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAnExpiredClientCertificate(SslProvider provider) throws Exception {
        CertifiedKey expired = CA.withClock(TestPki.shifted(Duration.ofDays(-2))).issue(CLIENT, Duration.ofHours(1));
        Outcome o = LOOPBACK.handshake(server(provider, true, ALPN), TlsContexts.client(provider, expired, CLIENT_TRUST, ALPN));
        assertRefusedByServer(o, "certificate expired at " + expired.notAfter(), "certificate_expired", provider);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void theClientRefusesAServerWithAnotherSpiffeId(SslProvider provider) throws Exception {
        CertifiedKey impostor = CA.issue(TestPki.id("impostor"), Duration.ofHours(1));
        Outcome o = LOOPBACK.handshake(TlsContexts.server(provider, impostor, SERVER_TRUST, true, ALPN),
                TlsContexts.client(provider, CLIENT_KEY, CLIENT_TRUST, ALPN));
        assertFalse(o.client().succeeded());
        assertEquals("SPIFFE ID spiffe://example.org/impostor is not allowed (expected spiffe://example.org/server)",
                o.client().reason());
        assertFalse(o.server().succeeded(), "the server learns of it by an alert");
    }

    private static SslContext server(SslProvider provider, boolean requireClientCert, List<String> alpn) throws Exception {
        return TlsContexts.server(provider, SERVER_KEY, SERVER_TRUST, requireClientCert, alpn);
    }

    /**
     * The server's handshake failed with {@code reason}. The client, whose TLS 1.3 handshake ends
     * before the server has checked its certificate, then reads the server's alert: from BoringSSL
     * the specific {@code alert} (see OpenSslAlerts), from the JDK always certificate_unknown.
     */
    private static void assertRefusedByServer(Outcome o, String reason, String alert, SslProvider provider) {
        assertFalse(o.server().succeeded());
        assertEquals(reason, o.server().reason());
        String seen = (o.client().succeeded() ? "" : o.client().reason() + " | ") + o.client().allMessages();
        String expected = provider == SslProvider.OPENSSL ? alert : "certificate_unknown";
        assertTrue(seen.toLowerCase(Locale.ROOT).contains(expected), provider + ": the client saw " + seen);
    }
}
