package dev.outrigger.sidecar.xds;

import dev.outrigger.testing.LeakDetectionExtension;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What the sidecar xDS tests share: a directory, things closed after each test, snapshots. */
@ExtendWith(LeakDetectionExtension.class)
abstract class XdsTestBase {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** Closes {@code c} after the test, in reverse order of keeping. */
    <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> eds,
            List<Listener> listeners, List<RouteConfiguration> rds) {
        return Snapshot.create(clusters, eds, listeners, rds, List.of(), version);
    }

    /** GET {@code path} on {@code listener}, in the background. */
    static CompletableFuture<HttpResponse<String>> inFlight(XdsFixture f, String listener, String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return f.get(listener, path);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
