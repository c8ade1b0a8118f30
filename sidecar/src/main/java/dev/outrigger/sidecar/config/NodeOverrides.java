package dev.outrigger.sidecar.config;

/**
 * Values that replace the bootstrap's {@code node.id} and {@code node.cluster}: what a sidecar
 * injector sets per pod with {@code --node-id}/{@code --service-cluster} or
 * {@code OUTRIGGER_NODE_ID}/{@code OUTRIGGER_SERVICE_CLUSTER}. A null or empty value keeps the
 * bootstrap's.
 *
 * @param nodeId replaces {@code node.id}
 * @param serviceCluster replaces {@code node.cluster}
 */
public record NodeOverrides(String nodeId, String serviceCluster) {

    /** Nothing replaced. */
    public static final NodeOverrides NONE = new NodeOverrides(null, null);

    /**
     * The overrides from command-line values, falling back to the environment: a flag wins over
     * its variable, which wins over the bootstrap.
     */
    public static NodeOverrides of(String nodeIdFlag, String clusterFlag, java.util.Map<String, String> env) {
        return new NodeOverrides(first(nodeIdFlag, env.get("OUTRIGGER_NODE_ID")),
                first(clusterFlag, env.get("OUTRIGGER_SERVICE_CLUSTER")));
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
    }

    io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap apply(io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap b) {
        if (nodeId == null && serviceCluster == null) {
            return b;
        }
        var builder = b.toBuilder();
        if (nodeId != null) {
            builder.getNodeBuilder().setId(nodeId);
        }
        if (serviceCluster != null) {
            builder.getNodeBuilder().setCluster(serviceCluster);
        }
        return builder.build();
    }
}
