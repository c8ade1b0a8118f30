package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitService;
import dev.outrigger.sidecar.ratelimit.global.GrpcRateLimitService;
import dev.outrigger.sidecar.ratelimit.global.RedisRateLimitService;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the backend a global rate limit filter asks, for one listener configuration, and hands
 * it (with anything that keeps it current) to be closed when that configuration retires.
 */
final class GlobalRateLimitBackends {

    private GlobalRateLimitBackends() {
    }

    /**
     * A rate limit service reached through a cluster follows the cluster's endpoints: a cluster
     * that does not exist yet (or has no endpoints) makes calls fail, so the failure mode decides,
     * until it does. A Redis backend shares the process's Redis threads.
     */
    static GlobalRateLimitService open(GlobalRateLimitConfig config, FilterEnvironment environment) {
        FilterServices services = environment.services();
        if (config.backend() instanceof GlobalRateLimitBackend.Grpc grpc) {
            ClusterManager clusters = services.clusters();
            String cluster = grpc.clusterName();
            GrpcRateLimitService service = new GrpcRateLimitService(cluster, addresses(clusters, cluster),
                    config.timeout(), services.eventLoops(), services.channelType());
            environment.closeWhenRetired().accept(service);
            environment.closeWhenRetired().accept(clusters.onUpdate(new Follower(service, clusters, cluster)));
            return service;
        }
        RedisRateLimitService service = new RedisRateLimitService((GlobalRateLimitBackend.Redis) config.backend(),
                config.timeout(), services.redisResources(), Clock.systemUTC());
        environment.closeWhenRetired().accept(service);
        return service;
    }

    /** The endpoints of {@code name}, empty when there is no such cluster. */
    static List<InetSocketAddress> addresses(ClusterManager clusters, String name) {
        UpstreamCluster cluster = clusters.get(name);
        if (cluster == null) {
            return List.of();
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (EndpointState e : cluster.endpoints()) {
            out.add(e.address());
        }
        return out;
    }

    /** Gives the service its cluster's endpoints after each cluster update that changed them. */
    private static final class Follower implements Runnable {
        private final GrpcRateLimitService service;
        private final ClusterManager clusters;
        private final String cluster;
        private List<InetSocketAddress> last;

        Follower(GrpcRateLimitService service, ClusterManager clusters, String cluster) {
            this.service = service;
            this.clusters = clusters;
            this.cluster = cluster;
            this.last = addresses(clusters, cluster);
        }

        @Override
        public void run() {
            List<InetSocketAddress> now = addresses(clusters, cluster);
            if (!now.equals(last)) {
                last = now;
                service.updateAddresses(now);
            }
        }
    }
}
