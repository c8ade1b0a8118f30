package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ListenerStats;
import dev.outrigger.sidecar.upstream.ClusterManager;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one listener shares: its configuration, the clusters it routes to,
 * its meters, and the set of open connections that draining walks.
 */
public final class ListenerContext {

    private final ListenerConfig config;
    private final ClusterManager clusters;
    private final ListenerStats stats;
    private final String scheme;
    private final Set<Http1ServerHandler> connections = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** Context of a plain-text (http) listener. */
    public ListenerContext(ListenerConfig config, ClusterManager clusters, ListenerStats stats) {
        this.config = config;
        this.clusters = clusters;
        this.stats = stats;
        this.scheme = "http";
    }

    /** The listener's configuration. */
    public ListenerConfig config() {
        return config;
    }

    /** Its HTTP connection manager. */
    public HttpConnectionManagerConfig http() {
        return config.http();
    }

    /** The running clusters. */
    public ClusterManager clusters() {
        return clusters;
    }

    /** Its meters. */
    public ListenerStats stats() {
        return stats;
    }

    /** "http" or "https": what {@code x-forwarded-proto} and redirects say. */
    public String scheme() {
        return scheme;
    }

    /** Whether the listener is draining: responses close their connections. */
    public boolean isDraining() {
        return draining;
    }

    /** Open connections now. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Starts draining: idle connections close now, busy ones after their current response.
     * The future completes when the last connection has closed.
     */
    public CompletableFuture<Void> drain() {
        draining = true;
        for (Http1ServerHandler c : connections) {
            c.drain();
        }
        completeIfDrained();
        return drained;
    }

    /** Closes every connection now, finished or not. */
    public void closeAll() {
        for (Http1ServerHandler c : connections) {
            c.forceClose();
        }
    }

    void opened(Http1ServerHandler connection) {
        connections.add(connection);
        stats.connectionOpened();
        if (draining) {
            connection.drain();
        }
    }

    void closed(Http1ServerHandler connection) {
        if (connections.remove(connection)) {
            stats.connectionClosed();
        }
        completeIfDrained();
    }

    private void completeIfDrained() {
        if (draining && connections.isEmpty()) {
            drained.complete(null);
        }
    }
}
