package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.xds.EnvoyTypes;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDumpsTest {

    private final Bootstrap bootstrap = TestBootstraps.parse(BootstrapTranslatorTest.bootstrap(
            BootstrapTranslatorTest.listener("outbound", "127.0.0.1", 15001))
            + "  clusters:\n" + TestBootstraps.indent(TestBootstraps.DEMO_CLUSTER, 2));

    @Test
    void isEnvoyConfigDumpJsonWithEverySection() throws Exception {
        String json = ConfigDumps.render(bootstrap, List.of(routeConfig()));
        JsonNode configs = new ObjectMapper().readTree(json).get("configs");

        assertEquals(4, configs.size());
        assertEquals(EnvoyTypes.typeUrl(BootstrapConfigDump.getDescriptor()), configs.get(0).get("@type").asText());
        assertEquals(EnvoyTypes.typeUrl(ClustersConfigDump.getDescriptor()), configs.get(1).get("@type").asText());
        assertEquals(EnvoyTypes.typeUrl(ListenersConfigDump.getDescriptor()), configs.get(2).get("@type").asText());
        assertEquals(EnvoyTypes.typeUrl(RoutesConfigDump.getDescriptor()), configs.get(3).get("@type").asText());

        assertEquals("static", configs.get(1).get("version_info").asText());
        assertEquals("demo", configs.get(1).get("static_clusters").get(0).get("cluster").get("name").asText());
        assertEquals("static", configs.get(2).get("version_info").asText());
        JsonNode listener = configs.get(2).get("static_listeners").get(0).get("listener");
        assertEquals("outbound", listener.get("name").asText());
        // Envoy prints proto field names, and so nested Any contents (the HCM) are printed too.
        assertEquals("s", listener.at("/filter_chains/0/filters/0/typed_config/stat_prefix").asText());
        assertEquals("local", configs.get(3).get("static_route_configs").get(0).get("route_config").get("name").asText());
        assertEquals("outbound", configs.get(0).at("/bootstrap/static_resources/listeners/0/name").asText());
    }

    @Test
    void parsesBackToTheSameConfig() throws Exception {
        String json = ConfigDumps.render(bootstrap, List.of(routeConfig()));
        ConfigDump.Builder parsed = ConfigDump.newBuilder();
        JsonFormat.parser().usingTypeRegistry(EnvoyTypes.typeRegistryFor(bootstrap, ConfigDump.newBuilder()
                .addConfigs(com.google.protobuf.Any.pack(BootstrapConfigDump.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(ClustersConfigDump.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(ListenersConfigDump.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(RoutesConfigDump.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(Cluster.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(Listener.getDefaultInstance()))
                .addConfigs(com.google.protobuf.Any.pack(RouteConfiguration.getDefaultInstance()))
                .build())).merge(json, parsed);

        Bootstrap back = parsed.getConfigs(0).unpack(BootstrapConfigDump.class).getBootstrap();
        assertEquals(bootstrap, back);
        Listener listener = parsed.getConfigs(2).unpack(ListenersConfigDump.class).getStaticListeners(0)
                .getListener().unpack(Listener.class);
        assertEquals(bootstrap.getStaticResources().getListeners(0), listener);
    }

    @Test
    void listenerFiltersAndTcpProxyArePrinted() throws Exception {
        Bootstrap detecting = TestBootstraps.parse(ListenerYaml.listener("listener_filters:\n"
                + ListenerYaml.HTTP_INSPECTOR + ListenerYaml.TLS_INSPECTOR
                + "filter_chains:\n" + ListenerYaml.entry("filter_chain_match: { application_protocols: [h2c] }\n"
                        + ListenerYaml.http("in"))
                + "default_filter_chain:\n" + TestBootstraps.indent(ListenerYaml.tcp("stat_prefix: pass\ncluster: app\n"),
                        2)));
        String json = ConfigDumps.render(detecting, List.of());
        JsonNode listener = new ObjectMapper().readTree(json).get("configs").get(2).at("/static_listeners/0/listener");

        assertEquals(EnvoyTypes.typeUrl(HttpInspector.getDescriptor()),
                listener.at("/listener_filters/0/typed_config/@type").asText());
        assertEquals(EnvoyTypes.typeUrl(TlsInspector.getDescriptor()),
                listener.at("/listener_filters/1/typed_config/@type").asText());
        assertEquals(EnvoyTypes.typeUrl(TcpProxy.getDescriptor()),
                listener.at("/default_filter_chain/filters/0/typed_config/@type").asText());
        assertEquals("pass", listener.at("/default_filter_chain/filters/0/typed_config/stat_prefix").asText());
        assertEquals("h2c", listener.at("/filter_chains/0/filter_chain_match/application_protocols/0").asText());
    }

    @Test
    void emptyBootstrapStillHasEverySection() throws Exception {
        String json = ConfigDumps.render(Bootstrap.getDefaultInstance(), List.of());
        JsonNode configs = new ObjectMapper().readTree(json).get("configs");
        assertEquals(4, configs.size());
        assertTrue(json.contains("\"version_info\": \"static\""), json);
    }

    private RouteConfiguration routeConfig() throws Exception {
        return bootstrap.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class).getRouteConfig();
    }
}
