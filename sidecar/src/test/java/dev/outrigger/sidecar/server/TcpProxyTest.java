package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TcpTestConfigs.base;
import static dev.outrigger.sidecar.server.TcpTestConfigs.connect;
import static dev.outrigger.sidecar.server.TcpTestConfigs.metric;
import static dev.outrigger.sidecar.server.TcpTestConfigs.onTransport;
import static dev.outrigger.sidecar.server.TcpTestConfigs.tcpListener;
import static dev.outrigger.sidecar.server.TcpTestConfigs.tcpProxy;
import static dev.outrigger.sidecar.server.TcpTestConfigs.withDrainTimeout;
import static dev.outrigger.sidecar.server.TcpTestConfigs.withListeners;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.ServerSettings.Transport;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.TestTcpServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The TCP proxy through a real sidecar to real TCP servers. */
class TcpProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CX_ACTIVE = "outrigger_downstream_cx_active{listener=\"tcp\"}";

    private static Sidecar start(TestTcpServer server, Duration idleTimeout) throws Exception {
        return start(server, idleTimeout, Transport.AUTO);
    }

    private static Sidecar start(TestTcpServer server, Duration idleTimeout, Transport transport) throws Exception {
        return start(onTransport(base("echo", clusterOnPorts("echo", "", server.port())), transport), idleTimeout);
    }

    private static Sidecar start(BootstrapConfig base, Duration idleTimeout) throws Exception {
        return Sidecar.start(withListeners(base, tcpListener("tcp", tcpProxy("echo", idleTimeout))), "test");
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String read(Socket s, int n) throws IOException {
        return new String(s.getInputStream().readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    /** Reads until the end of the stream: what the peer sent before ending its output. */
    private static String readToEnd(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"AUTO", "NIO"})
    void bytesGoToTheEndpointAndBackAndAreCounted(Transport transport) throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo(); Sidecar proxy = start(echo, Duration.ZERO, transport)) {
            try (Socket s = connect(proxy, "tcp")) {
                send(s, "hello");
                assertEquals("hello", read(s, 5));
                send(s, ", world");
                assertEquals(", world", read(s, 7));
                assertEquals(1.0, metric(proxy, CX_ACTIVE));
                assertEquals(1.0, metric(proxy, "outrigger_upstream_cx_active{cluster=\"echo\"}"));
            }
            echo.awaitClosed(1, WAIT);
            Await.until("the connection pair is gone", WAIT, () -> metric(proxy, CX_ACTIVE) == 0
                    && metric(proxy, "outrigger_upstream_cx_active{cluster=\"echo\"}") == 0);
            assertEquals(1.0, metric(proxy, "outrigger_downstream_cx_total{listener=\"tcp\"}"));
            assertEquals(1.0, metric(proxy, "outrigger_upstream_cx_total{cluster=\"echo\"}"));
            assertEquals(12.0, metric(proxy, "outrigger_upstream_cx_tx_bytes_total{cluster=\"echo\"}"));
            assertEquals(12.0, metric(proxy, "outrigger_upstream_cx_rx_bytes_total{cluster=\"echo\"}"));
            assertEquals(1, echo.connectionsAccepted());
        }
    }

    @Test
    void aDeclaredTcpListenerSkipsDetectionSoAServerThatSpeaksFirstIsHeardAtOnce() throws Exception {
        try (TestTcpServer banner = TestTcpServer.banner("220 ready\r\n");
                Sidecar proxy = start(banner, Duration.ZERO, Transport.AUTO);
                Socket s = connect(proxy, "tcp")) {
            // The client sends nothing: the banner must come without any detection wait.
            assertEquals("220 ready\r\n", read(s, 11));
            assertTrue(proxy.metrics().scrape().lines().noneMatch(l -> l.startsWith("outrigger_downstream_cx_detected")),
                    "no detection ran on a listener with a declared protocol");
        }
    }

    @Test
    void sixtyFourMebibytesEachWayWithBoundedMemory() throws Exception {
        long total = 64L << 20;
        try (TestTcpServer echo = TestTcpServer.echo(); Sidecar proxy = start(echo, Duration.ZERO);
                Socket s = connect(proxy, "tcp"); MemorySampler memory = new MemorySampler()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    byte[] block = new byte[256 * 1024];
                    for (long sent = 0; sent < total; sent += block.length) {
                        block[0] = (byte) (sent >>> 18);
                        out.write(block);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            long got = 0;
            while (got < total) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, total - got));
                if (n < 0) {
                    break;
                }
                got += n;
            }
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(total, got);
            assertEquals(total, echo.bytesReceived());
            assertTrue(memory.peak() < 4L << 20, "peak buffer memory " + memory.peak());
            assertEquals((double) total, metric(proxy, "outrigger_upstream_cx_tx_bytes_total{cluster=\"echo\"}"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"AUTO", "NIO"})
    void theClientsEndOfOutputReachesTheEndpointWhichStillAnswers(Transport transport) throws Exception {
        try (TestTcpServer server = TestTcpServer.replyOnEnd(); Sidecar proxy = start(server, Duration.ZERO, transport);
                Socket s = connect(proxy, "tcp")) {
            send(s, "ping");
            s.shutdownOutput();
            assertEquals("reply:ping", readToEnd(s), "the answer, then the end of the stream");
            assertEquals(1, server.inputsEnded());
            server.awaitClosed(1, WAIT);
            Await.until("the downstream connection closed", WAIT, () -> metric(proxy, CX_ACTIVE) == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"AUTO", "NIO"})
    void theEndpointsEndOfOutputReachesTheClientWhichCanStillSend(Transport transport) throws Exception {
        try (TestTcpServer server = TestTcpServer.speakThenListen("bye"); Sidecar proxy = start(server, Duration.ZERO, transport);
                Socket s = connect(proxy, "tcp")) {
            assertEquals("bye", readToEnd(s), "the endpoint's words, then the end of the stream");
            send(s, "still talking");
            Await.until("the endpoint got the bytes sent after its end", WAIT, () -> server.bytesReceived() == 13);
            assertEquals(1.0, metric(proxy, CX_ACTIVE), "half-closed, not closed");
            s.shutdownOutput();
            server.awaitClosed(1, WAIT);
            Await.until("both directions ended: the pair closed", WAIT, () -> metric(proxy, CX_ACTIVE) == 0);
        }
    }

    @Test
    void anIdleConnectionPairIsClosedOnBothSides() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo(); Sidecar proxy = start(echo, Duration.ofMillis(200));
                Socket s = connect(proxy, "tcp")) {
            long start = System.nanoTime();
            send(s, "x");
            assertEquals("x", read(s, 1));
            assertEquals(-1, s.getInputStream().read(), "closed by the idle timeout");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 180, "not before the idle timeout: " + tookMillis + " ms");
            echo.awaitClosed(1, WAIT);
        }
    }

    @Test
    void aRefusedConnectionClosesTheClientAndIsCounted() throws Exception {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        try (Sidecar proxy = start(base("echo", clusterOnPorts("echo", "", closedPort)), Duration.ZERO);
                Socket s = connect(proxy, "tcp")) {
            assertTrue(endsOrResets(s), "the client is closed");
            assertEquals(1.0, metric(proxy, "outrigger_upstream_cx_connect_fail_total{cluster=\"echo\"}"));
            assertEquals(1.0, metric(proxy,
                    "outrigger_downstream_rq_local_error_total{listener=\"tcp\",reason=\"upstream_connect_failure\"}"));
            Await.until("nothing left open", WAIT, () -> metric(proxy, CX_ACTIVE) == 0);
        }
    }

    @Test
    void anUnknownClusterClosesTheClientAndIsCounted() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo();
                Sidecar proxy = Sidecar.start(withListeners(base("echo", clusterOnPorts("echo", "", echo.port())),
                        tcpListener("tcp", tcpProxy("missing", Duration.ZERO))), "test");
                Socket s = connect(proxy, "tcp")) {
            assertTrue(endsOrResets(s));
            assertEquals(1.0, metric(proxy,
                    "outrigger_downstream_rq_local_error_total{listener=\"tcp\",reason=\"cluster_not_found\"}"));
            assertEquals(0, echo.connectionsAccepted());
        }
    }

    @Test
    void theClustersConnectionLimitRefusesTheConnectionBeyondIt() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo()) {
            String limited = clusterOnPorts("echo", "circuit_breakers: {thresholds: [{max_connections: 1}]},",
                    echo.port());
            try (Sidecar proxy = start(base("echo", limited), Duration.ZERO)) {
                try (Socket first = connect(proxy, "tcp")) {
                    send(first, "1");
                    assertEquals("1", read(first, 1));
                    try (Socket second = connect(proxy, "tcp")) {
                        assertTrue(endsOrResets(second), "no slot for a second connection");
                    }
                    assertEquals(1.0, metric(proxy, "outrigger_upstream_rq_overflow_total{cluster=\"echo\"}"));
                    assertEquals(1.0, metric(proxy,
                            "outrigger_downstream_rq_local_error_total{listener=\"tcp\",reason=\"upstream_overflow\"}"));
                    send(first, "2");
                    assertEquals("2", read(first, 1), "the first connection is untouched");
                }
                echo.awaitClosed(1, WAIT);
                Await.until("the slot is free again", WAIT,
                        () -> metric(proxy, "outrigger_upstream_cx_active{cluster=\"echo\"}") == 0);
                try (Socket third = connect(proxy, "tcp")) {
                    send(third, "3");
                    assertEquals("3", read(third, 1), "the freed slot is usable");
                }
            }
        }
    }

    @Test
    void drainingLetsTcpConnectionsRunUntilTheDeadline() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo()) {
            BootstrapConfig config = withDrainTimeout(base("echo", clusterOnPorts("echo", "", echo.port())),
                    Duration.ofMillis(400));
            try (Sidecar proxy = start(config, Duration.ZERO); Socket s = connect(proxy, "tcp")) {
                send(s, "before");
                assertEquals("before", read(s, 6));
                long start = System.nanoTime();
                CompletableFuture<Void> drained = proxy.drain();
                send(s, "during");
                assertEquals("during", read(s, 6), "a draining listener's TCP connection keeps working");
                assertFalse(drained.isDone(), "a TCP connection is not finished early");
                assertEquals(-1, s.getInputStream().read(), "closed at the deadline");
                drained.get(5, TimeUnit.SECONDS);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis >= 350, "the deadline is honoured, took " + tookMillis + " ms");
                echo.awaitClosed(1, WAIT);
            }
        }
    }

    /** Whether the peer ended the stream or reset it (a close either way) before the read timeout. */
    private static boolean endsOrResets(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Samples the default allocator's used memory every millisecond and keeps the peak. */
    private static final class MemorySampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        MemorySampler() {
            ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
            long base = m.usedDirectMemory() + m.usedHeapMemory();
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(m.usedDirectMemory() + m.usedHeapMemory() - base, Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
