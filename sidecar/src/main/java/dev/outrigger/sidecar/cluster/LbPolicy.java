package dev.outrigger.sidecar.cluster;

/** Load-balancing policies Outrigger implements (Envoy's {@code Cluster.LbPolicy} names). */
public enum LbPolicy {
    /** Each request goes to the next endpoint in turn. */
    ROUND_ROBIN
}
