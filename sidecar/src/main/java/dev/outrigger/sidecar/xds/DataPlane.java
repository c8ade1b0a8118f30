package dev.outrigger.sidecar.xds;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import java.util.Map;

/** What the xDS configuration changes in the running proxy. Called from the configuration thread. */
public interface DataPlane {

    /** Makes {@code clusters} (static and dynamic, with their endpoints) the running clusters. */
    void setClusters(Map<String, ClusterConfig> clusters);

    /**
     * Binds a new listener or gives an existing one a new configuration.
     *
     * @return null when done, else why not (the operating system's bind error, say)
     */
    String putListener(ListenerConfig listener);

    /** Closes and drains the listener {@code name}. */
    void removeListener(String name);

    /** The first complete configuration is serving: the proxy is ready. */
    void initialized();
}
