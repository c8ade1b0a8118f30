package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TcpTestConfigs.base;
import static dev.outrigger.sidecar.server.TcpTestConfigs.connect;
import static dev.outrigger.sidecar.server.TcpTestConfigs.detectingListener;
import static dev.outrigger.sidecar.server.TcpTestConfigs.hcm;
import static dev.outrigger.sidecar.server.TcpTestConfigs.metric;
import static dev.outrigger.sidecar.server.TcpTestConfigs.onTransport;
import static dev.outrigger.sidecar.server.TcpTestConfigs.tcpProxy;
import static dev.outrigger.sidecar.server.TcpTestConfigs.withListeners;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.ServerSettings.Transport;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.TestTcpServer;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener that inspects the first bytes: HTTP/1.1 and h2c to the HTTP chain, everything else
 * (other bytes, clients waiting for the server) to the default TCP proxy chain. Real sockets
 * through a real sidecar. HTTP/2 (gRPC) and TLS passthrough through a detecting listener are
 * in {@code InboundListenerTest}.
 */
class ProtocolDetectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Sidecar start(TestUpstream web, TestTcpServer tcp, Duration timeout) throws Exception {
        return start(web, tcp, timeout, Transport.AUTO);
    }

    private static Sidecar start(TestUpstream web, TestTcpServer tcp, Duration timeout, Transport transport)
            throws Exception {
        BootstrapConfig base = onTransport(base("web", cluster("web", web), clusterOnPorts("tcp", "", tcp.port())),
                transport);
        return Sidecar.start(withListeners(base,
                detectingListener("detect", hcm(base), tcpProxy("tcp", Duration.ZERO), timeout)), "test");
    }

    private static String detected(Sidecar proxy, String protocol) {
        return "outrigger_downstream_cx_detected_total{listener=\"detect\",protocol=\"" + protocol + "\"}";
    }

    private static String read(Socket s, int n) throws IOException {
        return new String(s.getInputStream().readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anHttp1RequestTakesTheHttpChain() throws Exception {
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer echo = TestTcpServer.echo();
                Sidecar proxy = start(web, echo, Duration.ofSeconds(5));
                RawHttpClient client = RawHttpClient.connect(proxy.listenerAddress("detect").getPort())) {
            Response first = client.get("/one");
            assertEquals(200, first.status());
            assertEquals("web", first.text());
            assertNotNull(web.lastRequest().header("x-request-id"), "the HTTP proxy added its headers");
            assertEquals("/one", web.lastRequest().uri());
            Response second = client.get("/two");
            assertEquals(200, second.status(), "the connection stays an HTTP connection");
            assertEquals(2, web.requests().size());
            assertEquals(1.0, metric(proxy, detected(proxy, "http1")));
            assertEquals(1.0, metric(proxy, "outrigger_downstream_cx_active{listener=\"detect\"}"),
                    "the HTTP handler saw channelActive and registered the connection");
            assertEquals(0, echo.connectionsAccepted());
        }
    }

    @Test
    void otherBytesTakeTheTcpChain() throws Exception {
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer echo = TestTcpServer.echo();
                Sidecar proxy = start(web, echo, Duration.ofSeconds(5)); Socket s = connect(proxy, "detect")) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("hello", read(s, 5));
            s.getOutputStream().write(" again".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(" again", read(s, 6));
            assertEquals(1.0, metric(proxy, detected(proxy, "other")));
            assertEquals(0, web.requests().size());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"AUTO", "NIO"})
    void aClientThatSendsAndEndsItsOutputAtOnceIsStillServed(Transport transport) throws Exception {
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer server = TestTcpServer.replyOnEnd();
                Sidecar proxy = start(web, server, Duration.ofSeconds(5), transport);
                Socket s = connect(proxy, "detect")) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            assertEquals("reply:hello", new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            assertEquals(1, server.inputsEnded());
        }
    }

    @Test
    void aServerThatSpeaksFirstIsReachedAfterTheDetectionTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(100);
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer banner = TestTcpServer.banner("220 ready\r\n");
                Sidecar proxy = start(web, banner, timeout); Socket s = connect(proxy, "detect")) {
            long start = System.nanoTime();
            assertEquals("220 ready\r\n", read(s, 11));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 1_000, "the banner came " + tookMillis + " ms after connecting");
            s.getOutputStream().write("HELO x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("HELO x\r\n", read(s, 8), "then the connection is a plain TCP proxy");
            assertEquals(1.0, metric(proxy, detected(proxy, "silent")));
        }
    }

    @Test
    void theTimeoutIsPaidOncePerServerFirstPort() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer banner = TestTcpServer.banner("220 ready\r\n");
                Sidecar proxy = start(web, banner, timeout)) {
            long firstMillis;
            try (Socket s = connect(proxy, "detect")) {
                long start = System.nanoTime();
                assertEquals("220 ready\r\n", read(s, 11));
                firstMillis = (System.nanoTime() - start) / 1_000_000;
            }
            long secondMillis;
            try (Socket s = connect(proxy, "detect")) {
                long start = System.nanoTime();
                assertEquals("220 ready\r\n", read(s, 11));
                secondMillis = (System.nanoTime() - start) / 1_000_000;
            }
            assertTrue(firstMillis >= 450, "the first connection waits for the timeout: " + firstMillis + " ms");
            assertTrue(secondMillis < timeout.toMillis(),
                    "the second skips it: " + secondMillis + " ms (first " + firstMillis + " ms)");
            assertEquals(2.0, metric(proxy, detected(proxy, "silent")));
            Await.until("both connections closed", WAIT,
                    () -> metric(proxy, "outrigger_downstream_cx_active{listener=\"detect\"}") == 0);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void aClientThatSpeaksFirstOnAServerFirstPortTakesItOutOfTheCache() throws Exception {
        try (TestUpstream web = TestUpstream.named("web"); TestTcpServer echo = TestTcpServer.echo();
                Sidecar proxy = start(web, echo, Duration.ofMillis(200))) {
            // A client that says nothing makes the port server-first: the TCP chain reaches the
            // endpoint once detection gave up, and right away for the next silent client.
            long silentMillis;
            try (Socket s = connect(proxy, "detect")) {
                long start = System.nanoTime();
                echo.awaitAccepted(1, WAIT);
                silentMillis = millisSince(start);
            }
            long cachedMillis;
            try (Socket s = connect(proxy, "detect")) {
                long start = System.nanoTime();
                echo.awaitAccepted(2, WAIT);
                cachedMillis = millisSince(start);
            }
            assertTrue(silentMillis >= 180, "the first waits for the 200 ms timeout: " + silentMillis + " ms");
            assertTrue(cachedMillis < 150, "the second skips detection: " + cachedMillis + " ms");
            assertEquals(2.0, metric(proxy, detected(proxy, "silent")));

            // Skipping detection, an HTTP client on the port goes to the TCP chain, once.
            String request = "GET /first HTTP/1.1\r\nHost: h\r\n\r\n";
            try (Socket s = connect(proxy, "detect")) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(request, read(s, request.length()), "echoed by the TCP endpoint, not answered as HTTP");
            }
            assertEquals(3.0, metric(proxy, detected(proxy, "silent")));
            assertEquals(0, web.requests().size());

            // That client spoke first: the port is not server-first after all, and HTTP is detected again.
            try (RawHttpClient client = RawHttpClient.connect(proxy.listenerAddress("detect").getPort())) {
                Response r = client.get("/second");
                assertEquals(200, r.status());
                assertEquals("web", r.text());
            }
            assertEquals("/second", web.lastRequest().uri());
            assertNotNull(web.lastRequest().header("x-request-id"), "served by the HTTP chain");
            assertEquals(1.0, metric(proxy, detected(proxy, "http1")));
            assertEquals(3, echo.connectionsAccepted());
        }
    }
}
