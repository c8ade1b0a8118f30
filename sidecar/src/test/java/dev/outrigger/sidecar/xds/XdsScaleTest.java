package dev.outrigger.sidecar.xds;

import static dev.outrigger.sidecar.xds.XdsFixture.NODE;
import static dev.outrigger.sidecar.xds.XdsResources.edsCluster;
import static dev.outrigger.sidecar.xds.XdsResources.endpoints;
import static dev.outrigger.sidecar.xds.XdsResources.httpListener;
import static dev.outrigger.sidecar.xds.XdsResources.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.LeakDetectionExtension;
import dev.outrigger.testing.TestUpstream;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A control plane pushes 1,000 EDS clusters of 10 endpoints each to a running sidecar: all of
 * them are applied, and the time from the push to the last cluster serving is printed (the
 * figure docs/performance.md reports; no bound is asserted on a shared machine).
 */
@ExtendWith(LeakDetectionExtension.class)
class XdsScaleTest {

    static final int CLUSTERS = 1000;
    static final int ENDPOINTS = 10;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"DELTA_GRPC", "GRPC", "DELTA_GRPC", "GRPC"})
    void thousandClustersOfTenEndpointsAreApplied(String api) throws Exception {
        try (TestUpstream a = TestUpstream.named("A"); TestControlPlane cp = TestControlPlane.start(0)) {
            cp.set(NODE, Snapshot.create(List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())),
                    List.of(httpListener("out", 0, "routes")), List.of(routes("routes", Map.of("/", "svc"))),
                    List.of(), "1"));
            try (XdsFixture f = XdsFixture.start(cp, dir, api, "10s")) {
                f.awaitReady();
                List<Cluster> clusters = new ArrayList<>();
                List<ClusterLoadAssignment> eds = new ArrayList<>();
                clusters.add(edsCluster("svc"));
                eds.add(endpoints("svc", a.port()));
                for (int i = 0; i < CLUSTERS; i++) {
                    clusters.add(edsCluster("c" + i));
                    eds.add(tenEndpoints("c" + i, i));
                }
                long start = System.nanoTime();
                cp.set(NODE, Snapshot.create(clusters, eds, List.of(httpListener("out", 0, "routes")),
                        List.of(routes("routes", Map.of("/", "svc"))), List.of(), "2"));
                ObjectMapper json = new ObjectMapper();
                Await.until("1,000 clusters serving", Duration.ofSeconds(60), Duration.ofMillis(20), () -> {
                    try {
                        return servingClusters(json.readTree(f.admin("/clusters?format=json"))) == CLUSTERS + 1;
                    } catch (Exception e) {
                        return false;
                    }
                });
                long millis = (System.nanoTime() - start) / 1_000_000;
                JsonNode all = json.readTree(f.admin("/clusters?format=json"));
                assertEquals(CLUSTERS + 1, servingClusters(all));
                assertEquals("A", f.get("out", "/").body(), "traffic still flows");
                String metrics = f.admin("/stats/prometheus");
                System.out.printf("xds-scale %s: %d clusters x %d endpoints serving %d ms after the push; %s%n", api,
                        CLUSTERS, ENDPOINTS, millis, applyTime(metrics));
            }
        }
    }

    /** Clusters with all their endpoints in place. */
    private static int servingClusters(JsonNode status) {
        int n = 0;
        for (JsonNode c : status.path("clusters")) {
            int expected = c.path("name").asText().equals("svc") ? 1 : ENDPOINTS;
            if (c.path("endpoints").size() == expected) {
                n++;
            }
        }
        return n;
    }

    private static ClusterLoadAssignment tenEndpoints(String name, int i) {
        LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder();
        for (int e = 0; e < ENDPOINTS; e++) {
            group.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                    Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress("10." + (i / 250) + "." + (i % 250) + "." + (e + 1)).setPortValue(8080)))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(group).build();
    }

    // The received-to-applied summary of clusters from the Prometheus text.
    private static String applyTime(String metrics) {
        String count = null;
        String sum = null;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("outrigger_xds_apply_time_seconds_count{type=\"cluster\"}")) {
                count = line.substring(line.lastIndexOf(' ') + 1);
            } else if (line.startsWith("outrigger_xds_apply_time_seconds_sum{type=\"cluster\"}")) {
                sum = line.substring(line.lastIndexOf(' ') + 1);
            } else if (line.startsWith("outrigger_xds_apply_time_seconds_max{type=\"cluster\"}")) {
                sum = sum + " max " + line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return "cluster apply time (received to serving): count " + count + ", sum/max s " + sum;
    }
}
