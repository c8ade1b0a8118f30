package dev.outrigger.sidecar.snapshot;

import java.util.Objects;

/**
 * A translated bootstrap file: the process settings and the first data-plane snapshot.
 *
 * @param server process-wide settings
 * @param snapshot the static listeners and clusters
 */
public record BootstrapConfig(ServerSettings server, DataPlaneSnapshot snapshot) {

    public BootstrapConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
