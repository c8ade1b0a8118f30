package dev.outrigger.sidecar.cluster;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a priority level (healthy or degraded endpoints of it) in proportion to the loads
 * {@link PriorityLoad} computed, then lets that part's own balancer pick the endpoint. Used only
 * when traffic divides; a cluster whose traffic all goes to one part uses that part's balancer
 * directly. Lock-free: one random draw and a scan of a few thresholds.
 */
final class PriorityLoadBalancer implements LoadBalancer {

    /** Upper bounds, in percent, of each part's share of the draw, ascending. */
    private final int[] upTo;
    private final LoadBalancer[] parts;

    PriorityLoadBalancer(int[] upTo, LoadBalancer[] parts) {
        this.upTo = upTo.clone();
        this.parts = parts.clone();
    }

    @Override
    public EndpointState choose(LbContext context) {
        int draw = ThreadLocalRandom.current().nextInt(100);
        for (int i = 0; i < upTo.length; i++) {
            if (draw < upTo[i]) {
                return parts[i].choose(context);
            }
        }
        return parts[parts.length - 1].choose(context);
    }
}
