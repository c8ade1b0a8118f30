package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.downstream.TlsTerminator;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accepting side's backstop: a caller that keeps a connection open with a short-lived
 * certificate (a client that does not replace it, unlike an Outrigger cluster) has it drained by
 * the inbound listener before that certificate expires: an idle HTTP/1.1 connection is closed,
 * an HTTP/2 connection gets GOAWAY, then is closed.
 */
class AcceptingSideDrainTest {

    private static final Duration SHORT = Duration.ofSeconds(4);

    @TempDir
    java.nio.file.Path dir;

    private MeshFiles mesh;
    private TestUpstream app;
    private ProxyFixture inbound;
    private LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        logs = LogCapture.of(TlsTerminator.class);
        mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        app = TestUpstream.named("payments");
        inbound = ProxyFixture.start(MtlsProxyTest.inboundYaml(
                mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1)), "spiffe://cluster.local/"), app);
    }

    @AfterEach
    void stop() throws Exception {
        logs.close();
        inbound.close();
        app.close();
    }

    @Test
    void anIdleHttp1ConnectionIsClosedBeforeTheCallersCertificateExpires() throws Exception {
        CertifiedKey caller = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), SHORT);
        try (SSLSocket s = connect(caller, "http/1.1"); RawHttpClient http = RawHttpClient.over(s)) {
            long handshake = System.currentTimeMillis();
            assertEquals(200, http.get("/a").status());
            // The connection is kept alive; the next thing that happens to it is the drain.
            http.readTimeout((int) SHORT.toMillis() * 2);
            assertTrue(http.isClosedByPeer(), "closed by the listener");
            assertClosedInTime(caller, handshake, System.currentTimeMillis());
        }
    }

    @Test
    void anHttp2ConnectionGetsGoawayBeforeTheCallersCertificateExpires() throws Exception {
        CertifiedKey caller = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), SHORT);
        try (SSLSocket s = connect(caller, "h2")) {
            long handshake = System.currentTimeMillis();
            assertEquals("h2", s.getApplicationProtocol());
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(4, 0, new byte[0])); // our SETTINGS: the defaults
            out.flush();
            s.setSoTimeout((int) SHORT.toMillis() * 2);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long goaway = -1;
            while (goaway < 0) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt();
                in.readNBytes(length);
                if (type == 4 && (flags & 1) == 0) {
                    out.write(frame(4, 1, new byte[0])); // acknowledge the server's SETTINGS
                    out.flush();
                } else if (type == 7) {
                    goaway = System.currentTimeMillis();
                }
            }
            assertClosedInTime(caller, handshake, goaway);
            long closed = awaitEof(in);
            assertTrue(closed < caller.notAfter().toEpochMilli(), "closed after its GOAWAY, before expiry");
        }
    }

    private void assertClosedInTime(CertifiedKey caller, long handshake, long at) {
        long notAfter = caller.notAfter().toEpochMilli();
        assertTrue(at < notAfter, "drained " + (at - notAfter) + " ms after the certificate expired");
        // Scheduled by the certificate's time (nine tenths of its remaining life), not at once.
        assertTrue(at - handshake >= (notAfter - handshake) / 2, "drained after " + (at - handshake) + " ms");
        assertTrue(logs.any("draining a connection from", "before its certificate expires"));
    }

    private SSLSocket connect(CertifiedKey key, String alpn) throws Exception {
        SSLSocket s = (SSLSocket) mesh.clientContext(key).getSocketFactory().createSocket("127.0.0.1",
                inbound.port("inbound"));
        SSLParameters params = s.getSSLParameters();
        params.setApplicationProtocols(new String[] {alpn});
        s.setSSLParameters(params);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    private static byte[] frame(int type, int flags, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** Reads until the server closes; the time it did. A read timeout fails the test. */
    private static long awaitEof(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // anything sent before the close is skipped
            }
        } catch (javax.net.ssl.SSLException e) {
            // A close without close_notify is a close too.
        }
        return System.currentTimeMillis();
    }
}
