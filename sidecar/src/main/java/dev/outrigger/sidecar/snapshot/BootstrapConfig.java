package dev.outrigger.sidecar.snapshot;

import java.util.Objects;

/**
 * A translated bootstrap file: the process settings and the first data-plane snapshot.
 *
 * @param server process-wide settings
 * @param snapshot the static listeners and clusters
 * @param ads the control plane to take dynamic resources from, or null for a static configuration
 */
public record BootstrapConfig(ServerSettings server, DataPlaneSnapshot snapshot, AdsSettings ads) {

    public BootstrapConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    /** A static configuration. */
    public BootstrapConfig(ServerSettings server, DataPlaneSnapshot snapshot) {
        this(server, snapshot, null);
    }

    /** This configuration with other process settings. */
    public BootstrapConfig withServer(ServerSettings newServer) {
        return new BootstrapConfig(newServer, snapshot, ads);
    }
}
