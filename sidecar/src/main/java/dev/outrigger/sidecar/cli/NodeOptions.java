package dev.outrigger.sidecar.cli;

import dev.outrigger.sidecar.config.NodeOverrides;
import picocli.CommandLine.Option;

/** {@code --node-id} and {@code --service-cluster}, shared by {@code run} and {@code validate}. */
final class NodeOptions {

    @Option(names = "--node-id", paramLabel = "ID",
            description = "node.id sent to the control plane (default: $OUTRIGGER_NODE_ID, else the bootstrap's)")
    String nodeId;

    @Option(names = "--service-cluster", paramLabel = "NAME",
            description = "node.cluster sent to the control plane (default: $OUTRIGGER_SERVICE_CLUSTER, else the bootstrap's)")
    String serviceCluster;

    NodeOverrides overrides() {
        return NodeOverrides.of(nodeId, serviceCluster, System.getenv());
    }
}
