package dev.outrigger.sidecar.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.sidecar.downstream.ListenerServices;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitService;
import dev.outrigger.sidecar.ratelimit.global.RequestType;
import dev.outrigger.sidecar.ratelimit.global.TestRateLimitServer;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.testing.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client of a rate limit service reached through a cluster: it follows the cluster's
 * endpoints as they change (EDS), and what it opened is handed over to be closed with the
 * listener configuration.
 */
class GlobalRateLimitBackendsTest {

    private static ClusterConfig rls(int port) {
        return new ClusterConfig("rls", Duration.ofSeconds(1), LbPolicy.ROUND_ROBIN,
                List.of(new EndpointConfig("127.0.0.1", port, 1)), ConnectionPoolSettings.DEFAULTS);
    }

    private static boolean answers(GlobalRateLimitService service) {
        try {
            service.shouldRateLimit("shop", List.of(Descriptor.ofPairs("k", "v")), 0).get(5, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theServiceFollowsItsClustersEndpointsAndIsClosedWithTheListener() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        try (ProxyMetrics metrics = new ProxyMetrics();
                TestRateLimitServer server = new TestRateLimitServer()) {
            ClusterManager clusters = new ClusterManager(Map.of("rls", rls(nobody)), metrics, Transport.nio());
            List<AutoCloseable> toClose = new ArrayList<>();
            ListenerServices services = new ListenerServices(metrics.registry(), "", clusters, null, null);
            FilterEnvironment environment = new FilterEnvironment("in", "in", metrics.registry(), services,
                    toClose::add);
            GlobalRateLimitConfig config = new GlobalRateLimitConfig("shop", 0, RequestType.BOTH,
                    Duration.ofSeconds(2), false, 500, false, false, new GlobalRateLimitBackend.Grpc("rls"));
            GlobalRateLimitService service = GlobalRateLimitBackends.open(config, environment);
            assertEquals(2, toClose.size(), "the client and its subscription to cluster updates");
            assertTrue(!answers(service), "nobody listens at the cluster's endpoint");

            clusters.update(Map.of("rls", rls(server.address().getPort())));
            Await.until("the client uses the cluster's new endpoint", Duration.ofSeconds(10), () -> answers(service));
            assertEquals("shop", server.requests().get(server.requests().size() - 1).getDomain());

            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
            ExecutionException closed = assertThrows(ExecutionException.class,
                    () -> service.shouldRateLimit("shop", List.of(Descriptor.ofPairs("k", "v")), 0)
                            .get(5, TimeUnit.SECONDS));
            assertTrue(closed.getCause().getMessage().contains("shutdown"), closed.getCause().getMessage());
            services.close();
        }
    }
}
