package dev.outrigger.sidecar.snapshot;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Process-wide settings from the bootstrap: who this sidecar is, where its admin endpoint
 * listens, and how the process runs. Fixed for the life of the process.
 *
 * @param nodeId Envoy's {@code node.id} ("" when unset)
 * @param nodeCluster Envoy's {@code node.cluster} ("" when unset)
 * @param adminAddress the admin endpoint ({@code admin.address}, default 127.0.0.1:15000)
 * @param concurrency event-loop threads; 0 means one per available processor
 * @param drainTimeout how long draining waits for in-flight requests
 * @param transport which I/O transport to use
 */
public record ServerSettings(
        String nodeId,
        String nodeCluster,
        InetSocketAddress adminAddress,
        int concurrency,
        Duration drainTimeout,
        Transport transport) {

    /** Default admin address. */
    public static final InetSocketAddress DEFAULT_ADMIN_ADDRESS = new InetSocketAddress("127.0.0.1", 15000);
    /** Most event-loop threads a process may ask for. */
    public static final int MAX_CONCURRENCY = 1024;
    /** Default drain timeout. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** I/O transports; AUTO picks epoll when its native library loads. */
    public enum Transport { AUTO, EPOLL, NIO }

    public ServerSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(nodeCluster, "nodeCluster");
        Objects.requireNonNull(adminAddress, "adminAddress");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(transport, "transport");
    }

    /** A copy with the given concurrency. */
    public ServerSettings withConcurrency(int value) {
        return new ServerSettings(nodeId, nodeCluster, adminAddress, value, drainTimeout, transport);
    }

    /** A copy with the given drain timeout. */
    public ServerSettings withDrainTimeout(Duration value) {
        return new ServerSettings(nodeId, nodeCluster, adminAddress, concurrency, value, transport);
    }

    /** A copy with the given admin address. */
    public ServerSettings withAdminAddress(InetSocketAddress value) {
        return new ServerSettings(nodeId, nodeCluster, value, concurrency, drainTimeout, transport);
    }
}
