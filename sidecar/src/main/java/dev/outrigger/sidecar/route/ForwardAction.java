package dev.outrigger.sidecar.route;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Forward the request upstream to a cluster, as Envoy's {@code RouteAction}.
 *
 * @param clusters the candidate clusters; a plain {@code cluster} is one entry of weight 1
 * @param pathRewrite {@code prefix_rewrite} / {@code regex_rewrite}, or {@link PathRewrite#NONE}
 * @param hostRewrite {@code host_rewrite_literal}, or null
 * @param timeout the route timeout; {@link Duration#ZERO} disables it
 * @param clusterNotFoundStatus the status when the picked cluster does not exist: 503, 404 or 500
 * @param upgrades {@code upgrade_configs} of the route: upgrade type (lower case, e.g.
 *     {@code websocket}) to enabled; they override the connection manager's for those types
 * @param maxGrpcTimeout {@code max_grpc_timeout}, as in Envoy: null (unset) means a gRPC request's
 *     {@code grpc-timeout} is ignored and {@code timeout} applies; otherwise {@code grpc-timeout}
 *     replaces {@code timeout} for gRPC requests (no timeout when the header is absent), capped at
 *     this value when it is greater than zero
 * @param hashPolicies {@code hash_policy}: what ring hash and Maglev clusters hash; empty for none
 */
public record ForwardAction(
        List<ClusterWeight> clusters,
        PathRewrite pathRewrite,
        String hostRewrite,
        Duration timeout,
        int clusterNotFoundStatus,
        Map<String, Boolean> upgrades,
        Duration maxGrpcTimeout,
        List<HashPolicy> hashPolicies) implements RouteAction {

    /** Envoy's default route timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** Envoy's default {@code cluster_not_found_response_code}: SERVICE_UNAVAILABLE. */
    public static final int DEFAULT_CLUSTER_NOT_FOUND_STATUS = 503;

    /** A route action without upgrade settings or gRPC timeout cap. */
    public ForwardAction(List<ClusterWeight> clusters, PathRewrite pathRewrite, String hostRewrite, Duration timeout,
            int clusterNotFoundStatus) {
        this(clusters, pathRewrite, hostRewrite, timeout, clusterNotFoundStatus, Map.of(), null);
    }

    /** A route action without hash policies. */
    public ForwardAction(List<ClusterWeight> clusters, PathRewrite pathRewrite, String hostRewrite, Duration timeout,
            int clusterNotFoundStatus, Map<String, Boolean> upgrades, Duration maxGrpcTimeout) {
        this(clusters, pathRewrite, hostRewrite, timeout, clusterNotFoundStatus, upgrades, maxGrpcTimeout, List.of());
    }

    public ForwardAction {
        upgrades = Map.copyOf(upgrades);
        hashPolicies = List.copyOf(hashPolicies);
        clusters = List.copyOf(clusters);
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("at least one cluster is required");
        }
        long total = 0;
        for (ClusterWeight c : clusters) {
            total += c.weight();
        }
        if (total <= 0 || total > ClusterWeight.MAX_WEIGHT) {
            throw new IllegalArgumentException("sum of cluster weights is " + total
                    + "; it must be between 1 and " + ClusterWeight.MAX_WEIGHT);
        }
        Objects.requireNonNull(pathRewrite, "pathRewrite");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
        if (clusterNotFoundStatus != 503 && clusterNotFoundStatus != 404 && clusterNotFoundStatus != 500) {
            throw new IllegalArgumentException("clusterNotFoundStatus must be 503, 404 or 500");
        }
    }

    /** Forwards to one cluster with Envoy's defaults. */
    public static ForwardAction toCluster(String cluster) {
        return new ForwardAction(List.of(new ClusterWeight(cluster, 1)), PathRewrite.NONE, null,
                DEFAULT_TIMEOUT, DEFAULT_CLUSTER_NOT_FOUND_STATUS);
    }

    /**
     * Picks the cluster: the single cluster, or one of the weighted clusters by weight, using
     * {@code random.nextLong(totalWeight)} as Envoy uses its random value: clusters own
     * consecutive ranges of that size in configuration order.
     */
    public String pickCluster(RandomGenerator random) {
        if (clusters.size() == 1) {
            return clusters.get(0).name();
        }
        long point = random.nextLong(totalWeight());
        long end = 0;
        for (int i = 0; i < clusters.size(); i++) {
            end += clusters.get(i).weight();
            if (point < end) {
                return clusters.get(i).name();
            }
        }
        throw new IllegalStateException("random value " + point + " is not below the total weight " + end);
    }

    /**
     * Whether this route lets a request upgrade to {@code type} (lower case), given whether the
     * connection manager allows it: the route's own setting for the type wins.
     */
    public boolean allowsUpgrade(String type, boolean connectionManagerAllows) {
        Boolean own = upgrades.get(type);
        return own != null ? own : connectionManagerAllows;
    }

    /** The sum of the cluster weights. */
    public long totalWeight() {
        long total = 0;
        for (int i = 0; i < clusters.size(); i++) {
            total += clusters.get(i).weight();
        }
        return total;
    }

    /** The path+query to send upstream after {@code prefix_rewrite} / {@code regex_rewrite} (query preserved). */
    public String rewritePath(String pathAndQuery) {
        return pathRewrite.apply(pathAndQuery);
    }
}
