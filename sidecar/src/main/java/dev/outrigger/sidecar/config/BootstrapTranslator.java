package dev.outrigger.sidecar.config;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.snapshot.AdsSettings;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.DataPlaneSnapshot;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates an Envoy v3 {@code Bootstrap} into Outrigger's {@link BootstrapConfig}: the process
 * settings and the first data-plane snapshot. Anything Outrigger does not implement is an error
 * naming its field, with paths relative to the bootstrap root.
 */
public final class BootstrapTranslator {

    private BootstrapTranslator() {
    }

    /**
     * Translates {@code bootstrap}.
     *
     * <p>Every listener and cluster is checked before any route configuration is translated, so
     * a structural mistake is reported the same way whatever the routes hold.
     *
     * @throws ResourceInvalidException naming the first field that cannot be used
     */
    public static BootstrapConfig translate(Bootstrap bootstrap) throws ResourceInvalidException {
        FieldCheck.only(bootstrap, FieldPath.ROOT, "node", "admin", "static_resources", "dynamic_resources",
                "bootstrap_extensions");
        ServerSettings server = ServerTranslator.translate(bootstrap);

        Bootstrap.StaticResources resources = bootstrap.getStaticResources();
        FieldPath resourcesPath = FieldPath.ROOT.field("static_resources");
        if (resources.getSecretsCount() > 0) {
            throw resourcesPath.field("secrets").invalid("secrets are not supported yet");
        }
        FieldCheck.only(resources, resourcesPath, "listeners", "clusters");

        Map<String, ClusterConfig> clusters = clusters(resources, resourcesPath.field("clusters"));
        List<ListenerTranslator.Draft> drafts = listeners(resources, resourcesPath.field("listeners"), server);
        AdsSettings ads = DynamicResourcesTranslator.translate(bootstrap, clusters);
        RouteRegistry registry = ads == null ? null : ads.routes();
        if (ads == null) {
            int i = 0;
            for (ClusterConfig c : clusters.values()) {
                if (c.isEds()) {
                    throw resourcesPath.field("clusters").index(i).field("type")
                            .invalid("EDS needs dynamic_resources.ads_config: endpoints come over ADS");
                }
                i++;
            }
        }

        List<ListenerConfig> listeners = new ArrayList<>();
        List<RouteConfiguration> routeConfigs = new ArrayList<>();
        for (ListenerTranslator.Draft draft : drafts) {
            // Every HTTP chain has its own inline route configuration. Routes naming an unknown
            // cluster are accepted: as in Envoy, such a request gets a 503 at run time, which is
            // the data path's business.
            listeners.add(draft.complete(http -> {
                if (http.routeConfig() != null) {
                    routeConfigs.add(http.routeConfig());
                }
                return XdsTypes.routeSource(http, registry);
            }));
        }
        String dump = ConfigDumps.render(bootstrap, routeConfigs);
        return new BootstrapConfig(server,
                new DataPlaneSnapshot(ConfigDumps.STATIC_VERSION, listeners, clusters, dump), ads);
    }

    private static Map<String, ClusterConfig> clusters(Bootstrap.StaticResources resources, FieldPath path)
            throws ResourceInvalidException {
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < resources.getClustersCount(); i++) {
            ClusterConfig cluster = ClusterTranslator.translate(resources.getClusters(i), path.index(i));
            Integer earlier = index.putIfAbsent(cluster.name(), i);
            if (earlier != null) {
                throw path.index(i).field("name").invalid(
                        "duplicate cluster name \"" + cluster.name() + "\" (also clusters[" + earlier + "])");
            }
            clusters.put(cluster.name(), cluster);
        }
        return clusters;
    }

    private static List<ListenerTranslator.Draft> listeners(Bootstrap.StaticResources resources, FieldPath path,
            ServerSettings server) throws ResourceInvalidException {
        List<ListenerTranslator.Draft> drafts = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < resources.getListenersCount(); i++) {
            ListenerTranslator.Draft draft = ListenerTranslator.translate(resources.getListeners(i), path.index(i));
            Integer earlier = names.putIfAbsent(draft.name(), i);
            if (earlier != null) {
                throw path.index(i).field("name").invalid(
                        "duplicate listener name \"" + draft.name() + "\" (also listeners[" + earlier + "])");
            }
            checkAddressFree(draft, drafts, server.adminAddress());
            drafts.add(draft);
        }
        return drafts;
    }

    // Two sockets cannot bind the same port when the addresses are equal or either is a
    // wildcard; catching that here gives a file and line instead of a bind error at start-up.
    private static void checkAddressFree(ListenerTranslator.Draft draft, List<ListenerTranslator.Draft> earlier,
            InetSocketAddress admin) throws ResourceInvalidException {
        InetSocketAddress address = draft.address();
        FieldPath at = draft.path().field("address");
        if (ListenerConfig.addressesClash(address, admin)) {
            throw at.invalid(show(address) + " clashes with the admin endpoint at " + show(admin));
        }
        for (ListenerTranslator.Draft other : earlier) {
            if (ListenerConfig.addressesClash(address, other.address())) {
                throw at.invalid(show(address) + " clashes with listener \"" + other.name() + "\" at "
                        + show(other.address()));
            }
        }
    }

    private static String show(InetSocketAddress a) {
        String host = InetAddresses.toAddrString(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
