package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.xds.ConfigFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void translationErrorNamesFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.yaml"), """
                node: { id: a }
                static_resources:
                  clusters:
                  - name: demo
                    type: STRICT_DNS
                """);
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":5: static_resources.clusters[0].type: STRICT_DNS is not supported yet (STATIC or EDS)",
                e.getMessage());
    }

    @Test
    void missingFieldPointsAtItsParentLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.yaml"), """
                static_resources:
                  clusters:
                  - connect_timeout: 1s
                    name: demo
                """);
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":3: static_resources.clusters[0].load_assignment: a STATIC cluster needs at least one"
                + " endpoint in load_assignment.endpoints[].lb_endpoints", e.getMessage());
    }

    @Test
    void errorDeepInAnHcmWrittenInCamelCase() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.json"), """
                {
                  "staticResources": {
                    "listeners": [{
                      "name": "l",
                      "address": {"socketAddress": {"address": "127.0.0.1", "portValue": 15001}},
                      "filterChains": [{"filters": [{
                        "name": "envoy.filters.network.http_connection_manager",
                        "typedConfig": {
                          "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                          "statPrefix": "l",
                          "codecType": "HTTP3"
                        }
                      }]}]
                    }]
                  }
                }
                """);
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":11: " + TestBootstraps.HCM + ".codec_type: HTTP3 is not supported yet (AUTO, HTTP1 or HTTP2)",
                e.getMessage());
    }

    @Test
    void errorInAListenerFilterIsOnItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.yaml"), ListenerYaml.listener("""
                listenerFilters:
                - name: envoy.filters.listener.tls_inspector
                  typedConfig:
                    "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
                    enableJa3Fingerprinting: true
                defaultFilterChain:
                """ + TestBootstraps.indent(ListenerYaml.http("in"), 2)));
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":9: static_resources.listeners[0].listener_filters[0].typed_config"
                + ".enable_ja3_fingerprinting: field is not supported by Outrigger", e.getMessage());
    }

    @Test
    void loaderErrorsPassThrough() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.yaml"), "node:\n  idd: a\n");
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":2: node.idd: no such field in envoy.config.core.v3.Node (did you mean \"id\"?)",
                e.getMessage());
    }

    @Test
    void validFileTranslates() throws Exception {
        Path file = Files.writeString(dir.resolve("bootstrap.yaml"),
                "node: { id: n }\nstatic_resources:\n  clusters:\n" + TestBootstraps.indent(TestBootstraps.DEMO_CLUSTER, 2));
        BootstrapConfig config = ConfigLoader.load(file);
        assertEquals("n", config.server().nodeId());
        assertEquals(8081, config.snapshot().cluster("demo").endpoints().get(0).port());
    }
}
