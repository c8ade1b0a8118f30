package dev.outrigger.sidecar.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.sidecar.cluster.UpstreamProtocol;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.LeakDetectionExtension;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestTcpServer;
import dev.outrigger.testing.TestUpstream;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The health checker against real endpoints on 127.0.0.1: HTTP (immediate and retriable
 * failures, refused connections, timeouts, recovery), TCP (connect only, send/receive), gRPC
 * (SERVING / NOT_SERVING), EDS-style endpoint changes and removal of the cluster.
 */
@ExtendWith(LeakDetectionExtension.class)
class HealthCheckerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private final EventLoopGroup loops = Transport.nio().newGroup(2, "hc-test");
    private final ProxyMetrics metrics = new ProxyMetrics();
    private ClusterManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        metrics.close();
    }

    private static ClusterConfig cluster(List<Integer> ports, HealthCheckConfig... checks) {
        List<EndpointConfig> eps = ports.stream().map(p -> new EndpointConfig("127.0.0.1", p, 1)).toList();
        return new ClusterConfig("app", Duration.ofSeconds(1), LbPolicy.ROUND_ROBIN, eps,
                ConnectionPoolSettings.DEFAULTS, UpstreamProtocol.HTTP1, Http2Settings.DEFAULTS, "", null,
                List.of(checks));
    }

    private static HealthCheckConfig http(int unhealthy, int healthy, List<HealthCheckConfig.StatusRange> retriable) {
        return HealthCheckConfig.simple(Duration.ofMillis(500), INTERVAL, unhealthy, healthy,
                new HealthCheckConfig.Http("", "/healthz", HealthCheckConfig.StatusRange.DEFAULT_EXPECTED, retriable,
                        List.of("x-probe", "1")));
    }

    private UpstreamCluster start(ClusterConfig config) {
        manager = new ClusterManager(Map.of("app", config), metrics, Transport.nio(), s -> {
            throw new IllegalStateException();
        }, loops);
        return manager.get("app");
    }

    private static EndpointState endpoint(UpstreamCluster c, int port) {
        return c.endpoints().stream().filter(e -> e.config().port() == port).findFirst().orElseThrow();
    }

    private static boolean failed(EndpointState e) {
        return e.hasFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK);
    }

    private static long checks(TestUpstream u) {
        return u.requests().stream().filter(r -> r.uri().equals("/healthz")).count();
    }

    @Test
    void unexpectedStatusFailsAtOnceAndSuccessesBringItBack() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        try (TestUpstream b = TestUpstream.start("b", r -> Reply.status(status.get(), ""))) {
            UpstreamCluster c = start(cluster(List.of(b.port()), http(5, 3, List.of())));
            EndpointState e = endpoint(c, b.port());
            Await.until("checks pass", WAIT, () -> checks(b) >= 2);
            assertFalse(failed(e));
            var first = b.requests().get(0);
            assertEquals("app", first.headers().get("host"));
            assertEquals("Outrigger/HC", first.headers().get("user-agent"));
            assertEquals("1", first.headers().get("x-probe"));
            assertTrue(c.loadBalancer() != null);
            status.set(503);
            long before = checks(b);
            Await.until("marked failed", WAIT, () -> failed(e));
            // A non-retriable status takes the endpoint out without waiting for unhealthy_threshold (5).
            assertTrue(checks(b) - before < 5, "took " + (checks(b) - before) + " checks");
            Await.until("gauge", WAIT, () -> metrics.scrape().contains("outrigger_health_check_failed_endpoints{cluster=\"app\"} 1"));
            status.set(200);
            long atRecovery = checks(b);
            Await.until("back", WAIT, () -> !failed(e));
            assertTrue(checks(b) - atRecovery >= 3, "healthy_threshold is 3");
            assertTrue(metrics.healthChecks("app").successes() >= 3);
            assertTrue(metrics.healthChecks("app").failures() >= 1);
            assertTrue(metrics.scrape().contains("outrigger_health_check_total{cluster=\"app\",result=\"failure\"}"));
        }
    }

    @Test
    void retriableStatusCountsTowardTheThreshold() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (TestUpstream b = TestUpstream.start("b", r -> {
            served.incrementAndGet();
            return Reply.status(503, "");
        })) {
            UpstreamCluster c = start(cluster(List.of(b.port()),
                    http(3, 1, List.of(new HealthCheckConfig.StatusRange(500, 600)))));
            EndpointState e = endpoint(c, b.port());
            Await.until("marked failed", WAIT, () -> failed(e));
            assertTrue(served.get() >= 3, "failed after " + served.get() + " checks");
        }
    }

    @Test
    void killedEndpointAndHangingEndpointFail() throws Exception { // the killed one is closed in the test
        TestUpstream killed = TestUpstream.start("k", r -> Reply.ok(""));
        try (TestUpstream hanging = TestUpstream.start("h", r -> Reply.hang());
                TestUpstream fine = TestUpstream.start("f", r -> Reply.ok(""))) {
            HealthCheckConfig check = HealthCheckConfig.simple(Duration.ofMillis(150), INTERVAL, 2, 1,
                    new HealthCheckConfig.Http("svc", "/healthz", HealthCheckConfig.StatusRange.DEFAULT_EXPECTED,
                            List.of(), List.of()));
            UpstreamCluster c = start(cluster(List.of(killed.port(), hanging.port(), fine.port()), check));
            Await.until("killed endpoint checked", WAIT, () -> checks(killed) >= 1);
            killed.close();
            Await.until("refused endpoint failed", WAIT, () -> failed(endpoint(c, killed.port())));
            Await.until("hanging endpoint failed", WAIT, () -> failed(endpoint(c, hanging.port())));
            Await.until("fine endpoint checked", WAIT, () -> checks(fine) >= 5);
            assertFalse(failed(endpoint(c, fine.port())));
            assertEquals("svc", fine.requests().get(0).headers().get("host"));
        }
    }

    @Test
    void tcpConnectOnlyAndSendReceive() throws Exception {
        TestTcpServer other = TestTcpServer.echo(); // closed in the test (closing twice throws)
        try (TestTcpServer echo = TestTcpServer.echo()) {
            HealthCheckConfig connectOnly = HealthCheckConfig.simple(Duration.ofMillis(300), INTERVAL, 2, 1,
                    new HealthCheckConfig.Tcp(new byte[0], List.of()));
            HealthCheckConfig ping = HealthCheckConfig.simple(Duration.ofMillis(300), INTERVAL, 2, 1,
                    new HealthCheckConfig.Tcp("ping".getBytes(StandardCharsets.US_ASCII),
                            List.of("pi".getBytes(StandardCharsets.US_ASCII), "ng".getBytes(StandardCharsets.US_ASCII))));
            UpstreamCluster c = start(cluster(List.of(echo.port(), other.port()), connectOnly, ping));
            Await.until("probes reach both", WAIT, () -> echo.bytesReceived() >= 12 && other.connectionsAccepted() >= 6);
            assertFalse(failed(endpoint(c, echo.port())));
            assertFalse(failed(endpoint(c, other.port())));
            other.close();
            Await.until("closed server failed", WAIT, () -> failed(endpoint(c, other.port())));
            assertFalse(failed(endpoint(c, echo.port())));
        }
    }

    @Test
    void tcpReceiveMismatchTimesOut() throws Exception {
        try (TestTcpServer echo = TestTcpServer.echo()) {
            HealthCheckConfig pong = HealthCheckConfig.simple(Duration.ofMillis(100), INTERVAL, 2, 1,
                    new HealthCheckConfig.Tcp("ping".getBytes(StandardCharsets.US_ASCII),
                            List.of("pong".getBytes(StandardCharsets.US_ASCII))));
            UpstreamCluster c = start(cluster(List.of(echo.port()), pong));
            Await.until("mismatch failed", WAIT, () -> failed(endpoint(c, echo.port())));
        }
    }

    @Test
    void grpcServingAndNotServing() throws Exception {
        try (GrpcHealthServer server = new GrpcHealthServer()) {
            HealthCheckConfig grpc = HealthCheckConfig.simple(Duration.ofMillis(1000), INTERVAL, 3, 2,
                    new HealthCheckConfig.Grpc("payments", ""));
            UpstreamCluster c = start(cluster(List.of(server.port()), grpc));
            EndpointState e = endpoint(c, server.port());
            Await.until("checks pass", WAIT, () -> metrics.healthChecks("app").successes() >= 3);
            assertEquals("payments", server.lastService());
            assertFalse(failed(e));
            server.status(GrpcHealthServer.NOT_SERVING);
            Await.until("NOT_SERVING fails", WAIT, () -> failed(e));
            server.status(GrpcHealthServer.SERVING);
            Await.until("SERVING again", WAIT, () -> !failed(e));
        }
    }

    @Test
    void endpointChangesAndRemovalStopChecks() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok(""));
                TestUpstream b = TestUpstream.start("b", r -> Reply.ok(""))) {
            ClusterConfig config = cluster(List.of(a.port()), http(2, 1, List.of()));
            start(config);
            Await.until("a checked", WAIT, () -> checks(a) >= 2);
            assertEquals(0, checks(b));
            manager.update(Map.of("app", config.withEndpoints(List.of(new EndpointConfig("127.0.0.1", b.port(), 1)))));
            Await.until("b checked", WAIT, () -> checks(b) >= 2);
            long aAfter = checks(a);
            Await.until("b checked more", WAIT, () -> checks(b) >= 6);
            assertTrue(checks(a) <= aAfter + 1, "a is no longer checked");
            manager.update(Map.of());
            long bAfter = checks(b);
            // Six intervals: a still-running checker would probe several times meanwhile.
            TestUpstream marker = b;
            long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
            Await.until("300 ms", WAIT, () -> System.nanoTime() > deadline);
            assertTrue(checks(marker) <= bAfter + 1, "checks continued after removal: " + (checks(marker) - bAfter));
        }
    }
}
