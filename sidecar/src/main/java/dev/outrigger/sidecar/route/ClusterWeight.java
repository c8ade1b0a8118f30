package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * One cluster of a forward action with its share of traffic.
 *
 * @param name the cluster name
 * @param weight relative weight, 0 to 4294967295; 0 receives no traffic
 */
public record ClusterWeight(String name, long weight) {

    /** Envoy's bound on a weight and on the sum of weights (a uint32). */
    public static final long MAX_WEIGHT = 0xFFFF_FFFFL;

    public ClusterWeight {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("cluster name must not be empty");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " is outside 0.." + MAX_WEIGHT);
        }
    }
}
