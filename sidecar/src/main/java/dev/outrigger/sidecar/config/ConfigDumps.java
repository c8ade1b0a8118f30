package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.xds.EnvoyTypes;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/**
 * Renders what {@code /config_dump} serves: Envoy's admin {@code ConfigDump} as JSON, so tools
 * written for Envoy's admin endpoint read Outrigger's too.
 */
final class ConfigDumps {

    /** The version label of configuration that came from a bootstrap file. */
    static final String STATIC_VERSION = "static";

    private ConfigDumps() {
    }

    /**
     * The config dump of a static bootstrap, in Envoy's order: bootstrap, clusters, listeners,
     * routes. {@code last_updated} is left out: a static configuration has no update time worth
     * reporting, and leaving it out keeps the dump a pure function of the file.
     *
     * @param routeConfigs the inline route configurations of the listeners' HTTP chains, in
     *     listener order, then chain order (each listener's default chain last)
     */
    static String render(Bootstrap bootstrap, List<RouteConfiguration> routeConfigs) throws ResourceInvalidException {
        Bootstrap.StaticResources resources = bootstrap.getStaticResources();
        ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(STATIC_VERSION);
        for (Cluster cluster : resources.getClustersList()) {
            clusters.addStaticClusters(ClustersConfigDump.StaticCluster.newBuilder().setCluster(Any.pack(cluster)));
        }
        ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(STATIC_VERSION);
        for (Listener listener : resources.getListenersList()) {
            listeners.addStaticListeners(
                    ListenersConfigDump.StaticListener.newBuilder().setListener(Any.pack(listener)));
        }
        RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
        for (RouteConfiguration routeConfig : routeConfigs) {
            routes.addStaticRouteConfigs(
                    RoutesConfigDump.StaticRouteConfig.newBuilder().setRouteConfig(Any.pack(routeConfig)));
        }
        ConfigDump dump = ConfigDump.newBuilder()
                .addConfigs(Any.pack(BootstrapConfigDump.newBuilder().setBootstrap(bootstrap).build()))
                .addConfigs(Any.pack(clusters.build()))
                .addConfigs(Any.pack(listeners.build()))
                .addConfigs(Any.pack(routes.build()))
                .build();
        try {
            // snake_case names, as Envoy's own /config_dump prints them.
            return JsonFormat.printer()
                    .usingTypeRegistry(EnvoyTypes.typeRegistryFor(dump))
                    .preservingProtoFieldNames()
                    .print(dump);
        } catch (InvalidProtocolBufferException e) {
            // Only an Any of a type Outrigger cannot resolve gets here (an optional filter's config).
            throw FieldPath.ROOT.invalid("cannot print the configuration for /config_dump: " + e.getMessage());
        }
    }
}
