package dev.outrigger.sidecar.cluster;

/** Picks the endpoint of a cluster a request goes to. Called on event loops concurrently; must not lock. */
public interface LoadBalancer {

    /** The chosen endpoint for {@code context}'s request, or null when the cluster has none to offer. */
    EndpointState choose(LbContext context);

    /** The chosen endpoint for a request that has nothing to hash (a TCP connection, a test). */
    default EndpointState choose() {
        return choose(LbContext.NONE);
    }
}
