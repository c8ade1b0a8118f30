package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Where a global rate limit filter gets its decisions: a rate limit service, or Redis directly. */
public sealed interface GlobalRateLimitBackend {

    /**
     * A rate limit service speaking {@code envoy.service.ratelimit.v3.RateLimitService} over gRPC
     * ({@link GrpcRateLimitService}), reached through a cluster.
     *
     * @param clusterName the cluster of the service's endpoints ({@code grpc_service.envoy_grpc.cluster_name})
     */
    record Grpc(String clusterName) implements GlobalRateLimitBackend {

        public Grpc {
            Objects.requireNonNull(clusterName, "clusterName");
            if (clusterName.isEmpty()) {
                throw new IllegalArgumentException("clusterName must not be empty");
            }
        }
    }

    /**
     * Outrigger's own counting in a Redis server shared by the sidecars ({@link RedisRateLimitService}).
     *
     * @param host the Redis server's host name or IP address
     * @param port its port
     * @param algorithm how requests are counted
     * @param limits the limits, in configuration order: a request descriptor is counted against
     *     the limit of the same descriptor, else the first limit with empty values that covers it,
     *     else none (it is not limited)
     */
    record Redis(String host, int port, RedisAlgorithm algorithm, List<RedisLimit> limits)
            implements GlobalRateLimitBackend {

        public Redis {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
            }
            Objects.requireNonNull(algorithm, "algorithm");
            limits = List.copyOf(limits);
            Set<Descriptor> seen = new HashSet<>();
            for (RedisLimit limit : limits) {
                if (!seen.add(limit.descriptor())) {
                    throw new IllegalArgumentException("descriptor " + limit.descriptor() + " has two limits");
                }
            }
        }
    }
}
