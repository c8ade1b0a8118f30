package dev.outrigger.sidecar.cluster;

/** Picks the endpoint of a cluster a request goes to. Called on event loops concurrently; must not lock. */
public interface LoadBalancer {

    /** The chosen endpoint, or null when the cluster has none to offer. */
    EndpointState choose();
}
