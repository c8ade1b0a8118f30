package dev.outrigger.sidecar.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection and pending-request limits of one cluster, enforced across all event loops with
 * compare-and-set counters: a reservation either fits under every limit or changes nothing.
 */
public final class ConnectionLimits {

    private final ConnectionPoolSettings settings;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    /** Limits as configured. */
    public ConnectionLimits(ConnectionPoolSettings settings) {
        this.settings = settings;
    }

    /** Takes one connection slot of the cluster and of {@code endpoint}; false if either is full. */
    public boolean tryReserveConnection(EndpointState endpoint) {
        if (!tryIncrement(connections, settings.maxConnections())) {
            return false;
        }
        if (!tryIncrement(endpoint.connections, settings.maxConnectionsPerEndpoint())) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot taken by {@link #tryReserveConnection}. */
    public void releaseConnection(EndpointState endpoint) {
        endpoint.connections.decrementAndGet();
        connections.decrementAndGet();
    }

    /** Takes one pending-request slot; false if the queue is full. */
    public boolean tryReservePending() {
        return tryIncrement(pending, settings.maxPendingRequests());
    }

    /** Gives back a pending-request slot. */
    public void releasePending() {
        pending.decrementAndGet();
    }

    /** Connections of the whole cluster now. */
    public int connections() {
        return connections.get();
    }

    /** Requests waiting for a connection now. */
    public int pending() {
        return pending.get();
    }

    private static boolean tryIncrement(AtomicInteger counter, int max) {
        while (true) {
            int n = counter.get();
            if (n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
