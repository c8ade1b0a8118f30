package dev.outrigger.sidecar.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How an update reuses, changes in place, replaces or removes running clusters. */
class ClusterManagerTest {

    private final ProxyMetrics metrics = new ProxyMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private static ClusterConfig cluster(String name, Duration connectTimeout, int... ports) {
        List<EndpointConfig> eps = java.util.Arrays.stream(ports)
                .mapToObj(p -> new EndpointConfig("127.0.0.1", p, 1)).toList();
        return new ClusterConfig(name, connectTimeout, LbPolicy.ROUND_ROBIN, eps, ConnectionPoolSettings.DEFAULTS);
    }

    @Test
    void updatesReuseChangeInPlaceReplaceAndRemove() {
        Duration t = Duration.ofSeconds(1);
        ClusterManager m = new ClusterManager(Map.of("a", cluster("a", t, 1, 2), "b", cluster("b", t, 3),
                "c", cluster("c", t, 4)), metrics, Transport.nio());
        UpstreamCluster a = m.get("a");
        UpstreamCluster b = m.get("b");
        EndpointState a2 = a.endpoints().get(1);

        ClusterManager.UpdateCounts counts = m.update(Map.of("a", cluster("a", t, 2, 5), "b",
                cluster("b", Duration.ofSeconds(2), 3), "d", cluster("d", t, 6)));
        assertEquals(new ClusterManager.UpdateCounts(1, 1, 1, 1), counts);
        assertSame(a, m.get("a"), "only the endpoints changed: the same cluster, its pools kept");
        assertSame(a2, m.get("a").endpoints().get(0), "an endpoint that stays keeps its state");
        assertEquals(5, m.get("a").endpoints().get(1).config().port());
        assertEquals(List.of(2, 5), m.get("a").endpoints().stream().map(e -> e.config().port()).toList());
        assertNotSame(b, m.get("b"), "the connect timeout changed: a new cluster");
        assertNull(m.get("c"));
        assertEquals(List.of("a", "b", "d"), m.all().stream().map(UpstreamCluster::name).toList());
        assertEquals(new ClusterManager.UpdateCounts(0, 0, 0, 0), m.update(Map.of("a", cluster("a", t, 2, 5),
                "b", cluster("b", Duration.ofSeconds(2), 3), "d", cluster("d", t, 6))), "nothing changed");
    }

    @Test
    void theBalancerFollowsTheNewEndpoints() {
        ClusterManager m = new ClusterManager(Map.of("a", cluster("a", Duration.ofSeconds(1), 1)), metrics,
                Transport.nio());
        assertEquals(1, m.get("a").loadBalancer().choose().config().port());
        m.update(Map.of("a", cluster("a", Duration.ofSeconds(1), 7)));
        for (int i = 0; i < 4; i++) {
            assertEquals(7, m.get("a").loadBalancer().choose().config().port());
        }
        m.update(Map.of("a", cluster("a", Duration.ofSeconds(1))));
        assertNull(m.get("a").loadBalancer().choose(), "no endpoint left");
    }
}
