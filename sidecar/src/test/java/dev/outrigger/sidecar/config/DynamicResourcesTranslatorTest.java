package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.snapshot.AdsSettings;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.xds.ConfigFileException;
import dev.outrigger.xds.client.ApiType;
import dev.outrigger.xds.client.XdsClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicResourcesTranslatorTest {

    private static final String XDS_CLUSTER = """
            static_resources:
              clusters:
              - name: xds
                load_assignment:
                  endpoints:
                  - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 10.0.0.9, port_value: 18000 } } }
            """;

    private static String bootstrap(String node, String dynamic) {
        return node + "dynamic_resources:\n" + TestBootstraps.indent(dynamic, 2) + XDS_CLUSTER;
    }

    private static final String ADS = """
            ads_config:
              api_type: DELTA_GRPC
              transport_api_version: V3
              grpc_services: [ { envoy_grpc: { cluster_name: xds } } ]
            lds_config: { ads: {}, resource_api_version: V3, initial_fetch_timeout: 3s }
            cds_config: { ads: {}, initial_fetch_timeout: 5s }
            """;

    @Test
    void adsThroughAStaticClusterWithNodeAndTimeouts() throws Exception {
        AdsSettings ads = BootstrapTranslator.translate(parse(bootstrap("""
                node:
                  id: pod-1
                  cluster: shop
                  locality: { zone: a }
                  metadata: { team: payments }
                """, ADS))).ads();
        assertEquals("10.0.0.9:18000", ads.target());
        assertEquals("xds", ads.clusterName());
        XdsClientOptions o = ads.options();
        assertEquals(ApiType.DELTA, o.apiType());
        assertEquals(Duration.ofSeconds(5), o.initialFetchTimeout(), "the longer of the two");
        assertEquals("pod-1", o.node().getId());
        assertEquals("shop", o.node().getCluster());
        assertEquals("a", o.node().getLocality().getZone());
        assertEquals("payments", o.node().getMetadata().getFieldsOrThrow("team").getStringValue());
        assertEquals("outrigger", o.node().getUserAgentName());
        assertFalse(o.nodeOnFirstRequestOnly(), "every request carries the node, Envoy's default");
        assertTrue(ads.listeners() && ads.clusters());
    }

    @Test
    void stateOfTheWorldAtATargetAddressWithoutLds() throws Exception {
        AdsSettings ads = BootstrapTranslator.translate(parse(bootstrap("node: { id: n }\n", """
                ads_config:
                  api_type: GRPC
                  set_node_on_first_message_only: true
                  grpc_services: [ { google_grpc: { target_uri: "istiod.istio-system.svc:15010", stat_prefix: x } } ]
                cds_config: { ads: {} }
                """))).ads();
        assertEquals("istiod.istio-system.svc", ads.host());
        assertEquals(15010, ads.port());
        assertEquals("", ads.clusterName());
        assertEquals(ApiType.STATE_OF_THE_WORLD, ads.options().apiType());
        assertEquals(XdsClientOptions.DEFAULT_INITIAL_FETCH_TIMEOUT, ads.options().initialFetchTimeout());
        assertTrue(ads.options().nodeOnFirstRequestOnly());
        assertFalse(ads.listeners());
        assertTrue(ads.clusters());
    }

    @Test
    void aStaticBootstrapHasNoAds() throws Exception {
        assertNull(BootstrapTranslator.translate(parse(XDS_CLUSTER)).ads());
    }

    @Test
    void mistakesAreNamed() {
        assertRejected(bootstrap("", ADS), "node.id", "required with dynamic_resources: the control plane tells "
                + "sidecars apart by it (set it here, with --node-id or OUTRIGGER_NODE_ID)");
        assertRejected(bootstrap("node: { id: n }\n", ADS.replace("cluster_name: xds", "cluster_name: nope")),
                "dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name",
                "no static cluster named \"nope\" (the control plane must be reachable without it)");
        assertRejected(bootstrap("node: { id: n }\n", ADS).replace("port_value: 18000 } } }\n",
                "port_value: 18000 } } }\n        - endpoint: { address: { socket_address: "
                        + "{ address: 10.0.0.8, port_value: 18000 } } }\n"),
                "dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name", "cluster \"xds\" has 2 "
                        + "endpoints; the ADS stream connects to one (give one, or a google_grpc target_uri)");
        assertRejected(bootstrap("node: { id: n }\n", ADS.replace("DELTA_GRPC", "REST")),
                "dynamic_resources.ads_config.api_type", "REST is not supported for ads_config (GRPC or DELTA_GRPC)");
        assertRejected(bootstrap("node: { id: n }\n", ADS.replace("lds_config: { ads: {},", "lds_config: { path: /x,")),
                "dynamic_resources.lds_config.path", "only ads is supported: every dynamic resource comes over the "
                        + "ADS stream of dynamic_resources.ads_config");
        assertRejected(bootstrap("node: { id: n }\n", "lds_config: { ads: {} }\n"),
                "dynamic_resources.ads_config", "required: Outrigger takes dynamic resources over one ADS stream");
        assertRejected(bootstrap("node: { id: n }\n", ADS.replace("{ envoy_grpc: { cluster_name: xds } }",
                "{ google_grpc: { target_uri: nowhere, stat_prefix: x } }")),
                "dynamic_resources.ads_config.grpc_services[0].google_grpc.target_uri",
                "expected HOST:PORT, got \"nowhere\"");
        assertRejected(bootstrap("node: { id: n }\n", ADS).replace("transport_api_version: V3", "transport_api_version: V2"),
                "dynamic_resources.ads_config.transport_api_version", "V2 is not supported (V3)");
    }

    @Test
    void flagsThenEnvironmentThenBootstrapFillTheNode(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("b.yaml"), bootstrap("node: { id: from-file, cluster: c }\n", ADS));
        assertEquals("from-file", ConfigLoader.load(file).ads().options().node().getId());
        NodeOverrides env = NodeOverrides.of(null, null,
                Map.of("OUTRIGGER_NODE_ID", "from-env", "OUTRIGGER_SERVICE_CLUSTER", "env-cluster"));
        BootstrapConfig fromEnv = ConfigLoader.load(file, env);
        assertEquals("from-env", fromEnv.ads().options().node().getId());
        assertEquals("env-cluster", fromEnv.ads().options().node().getCluster());
        assertEquals("from-env", fromEnv.server().nodeId());
        NodeOverrides flags = NodeOverrides.of("from-flag", null, Map.of("OUTRIGGER_NODE_ID", "from-env"));
        BootstrapConfig fromFlag = ConfigLoader.load(file, flags);
        assertEquals("from-flag", fromFlag.ads().options().node().getId());
        assertEquals("c", fromFlag.ads().options().node().getCluster(), "no override keeps the bootstrap's");
    }

    @Test
    void aFlagSuppliesAMissingNodeId(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("b.yaml"), bootstrap("", ADS));
        ConfigFileException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigFileException.class,
                () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().contains("node.id: required with dynamic_resources"), e.getMessage());
        assertEquals("pod-7", ConfigLoader.load(file, new NodeOverrides("pod-7", null)).ads().options().node()
                .getId());
    }

    @Test
    void staticListenersMayTakeRdsRoutesOverAds() throws Exception {
        BootstrapConfig config = BootstrapTranslator.translate(parse("node: { id: n }\ndynamic_resources:\n"
                + TestBootstraps.indent(ADS, 2) + XDS_CLUSTER.replace("static_resources:\n", "static_resources:\n"
                + TestBootstraps.indent(TestBootstraps.withHcm(
                        "stat_prefix: out\nrds: { route_config_name: shared, config_source: { ads: {} } }\n"
                                + "http_filters: [ { name: envoy.filters.http.router } ]\n")
                        .replace("static_resources:\n", ""), 0))));
        assertEquals(java.util.Set.of("shared"), config.snapshot().listeners().get(0).rdsNames());
        assertTrue(config.ads().routes().find("shared") != null, "the static listener's routes are registered");
    }
}
