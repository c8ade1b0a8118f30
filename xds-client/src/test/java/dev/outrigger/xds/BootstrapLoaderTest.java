package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.proto.bootstrap.v1.SidecarSettings;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapLoaderTest {

    static final String VALID_YAML = """
            node:
              id: sidecar-1
              cluster: checkout
            admin:
              address:
                socket_address: { address: 127.0.0.1, port_value: 15000 }
            static_resources:
              listeners:
              - name: outbound
                address:
                  socket_address:
                    address: 127.0.0.1
                    port_value: 15001
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: outbound
                      route_config:
                        name: local
                        virtual_hosts:
                        - name: all
                          domains: ["*"]
                          routes:
                          - match: { prefix: "/" }
                            route: { cluster: demo, timeout: 2.5s }
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: demo
                connect_timeout: 0.25s
                lb_policy: ROUND_ROBIN
                load_assignment:
                  cluster_name: demo
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address: { address: 127.0.0.1, port_value: 8081 }
            bootstrap_extensions:
            - name: outrigger.sidecar
              typed_config:
                "@type": type.googleapis.com/outrigger.bootstrap.v1.SidecarSettings
                concurrency: 2
                drain_timeout: 20s
                transport: NIO
            """;

    @TempDir
    Path dir;

    @Test
    void loadsYaml() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("bootstrap.yaml", VALID_YAML));
        Bootstrap b = loaded.bootstrap();

        assertEquals("sidecar-1", b.getNode().getId());
        assertEquals(15000, b.getAdmin().getAddress().getSocketAddress().getPortValue());
        Listener listener = b.getStaticResources().getListeners(0);
        assertEquals("outbound", listener.getName());
        HttpConnectionManager hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class);
        assertEquals("outbound", hcm.getStatPrefix());
        assertEquals(2, hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getTimeout().getSeconds());
        assertEquals(500_000_000, hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getTimeout().getNanos());
        Cluster cluster = b.getStaticResources().getClusters(0);
        assertEquals(250_000_000, cluster.getConnectTimeout().getNanos());
        SidecarSettings settings = b.getBootstrapExtensions(0).getTypedConfig().unpack(SidecarSettings.class);
        assertEquals(2, settings.getConcurrency());
        assertEquals(SidecarSettings.Transport.NIO, settings.getTransport());
        assertEquals(20, settings.getDrainTimeout().getSeconds());

        assertEquals(9, loaded.sourceMap().line("static_resources.listeners[0].name").getAsInt());
        assertEquals(34, loaded.sourceMap().line("static_resources.clusters[0].connect_timeout").getAsInt());
    }

    @Test
    void loadsJsonToTheSameMessage() throws Exception {
        Bootstrap fromYaml = BootstrapLoader.load(write("b.yaml", VALID_YAML)).bootstrap();
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new com.fasterxml.jackson.databind.ObjectMapper(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(VALID_YAML));

        LoadedBootstrap fromJson = BootstrapLoader.load(write("b.json", json));

        assertEquals(fromYaml, fromJson.bootstrap());
        // Pretty-printed JSON puts "node" on line 2 and its "id" on line 3.
        assertEquals(3, fromJson.sourceMap().line("node.id").getAsInt());
    }

    @Test
    void acceptsLowerCamelJsonNamesAndMapsThemToSnakeCasePaths() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(write("camel.yaml", """
                staticResources:
                  clusters:
                  - name: demo
                    connectTimeout: 1s
                    loadAssignment:
                      clusterName: demo
                      endpoints:
                      - lbEndpoints:
                        - endpoint:
                            address:
                              socketAddress: { address: 10.0.0.1, portValue: 80 }
                """));

        Cluster c = loaded.bootstrap().getStaticResources().getClusters(0);
        assertEquals(1, c.getConnectTimeout().getSeconds());
        assertEquals(80, c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
                .getSocketAddress().getPortValue());
        String snake = "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0]"
                + ".endpoint.address.socket_address.port_value";
        assertEquals(11, loaded.sourceMap().line(snake).getAsInt());
        assertEquals(4, loaded.sourceMap().line("static_resources.clusters[0].connect_timeout").getAsInt());
    }

    @Test
    void nullMeansUnset() throws Exception {
        Bootstrap b = BootstrapLoader.load(write("n.yaml", "node:\n  id: a\n  cluster:\nadmin: ~\n")).bootstrap();
        assertEquals("", b.getNode().getCluster());
        assertFalse(b.hasAdmin());
    }

    @Test
    void scalarsForStringFieldsAndQuotedNumbersAreAccepted() throws Exception {
        Bootstrap b = BootstrapLoader.load(write("s.yaml", """
                node: { id: 1234, cluster: true }
                admin: { address: { socket_address: { address: 127.0.0.1, port_value: "15000" } } }
                """)).bootstrap();
        assertEquals("1234", b.getNode().getId());
        assertEquals("true", b.getNode().getCluster());
        assertEquals(15000, b.getAdmin().getAddress().getSocketAddress().getPortValue());
    }

    @Test
    void enumsByNumberAreAccepted() throws Exception {
        Bootstrap b = BootstrapLoader.load(write("e.yaml", "static_resources:\n  clusters:\n  - name: a\n    lb_policy: 1\n"))
                .bootstrap();
        assertEquals(Cluster.LbPolicy.LEAST_REQUEST, b.getStaticResources().getClusters(0).getLbPolicy());
    }

    @Test
    void fileWithoutExtensionIsSniffed() throws Exception {
        // A comment after the object is fine in YAML and a syntax error in JSON.
        String content = "{\"node\": {\"id\": \"x\"}}\n# trailing comment\n";
        assertEquals("x", BootstrapLoader.load(write("bootstrap.yml", content)).bootstrap().getNode().getId());
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> BootstrapLoader.load(write("bootstrap", content)));
        assertEquals(2, e.line());

        assertEquals("y", BootstrapLoader.load(write("conf", "node:\n  id: y\n")).bootstrap().getNode().getId());
    }

    @Test
    void byteOrderMarkIsIgnored() throws Exception {
        assertEquals("z", BootstrapLoader.load(write("bom.yaml", "\uFEFFnode: {id: z}\n")).bootstrap().getNode().getId());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> BootstrapLoader.load(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void directoryIsRefused() {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> BootstrapLoader.load(dir));
        assertEquals(dir + ": is a directory, not a bootstrap file", e.getMessage());
    }

    @Test
    void nonUtf8IsRefused() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'o', 'd', 'e', ':', ' ', (byte) 0xE9, '\n'});
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> BootstrapLoader.load(file));
        assertEquals(file + ": is not UTF-8 text", e.getMessage());
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = write("empty.yaml", "# only a comment\n");
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> BootstrapLoader.load(file));
        assertEquals(file + ": the file is empty", e.getMessage());
    }

    @Test
    void topLevelMustBeAnObject() throws IOException {
        Path file = write("list.yaml", "- a\n- b\n");
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> BootstrapLoader.load(file));
        assertEquals(file + ":1: expected an object (envoy.config.bootstrap.v3.Bootstrap), got a list", e.getMessage());
    }

    @Test
    void parseUsesTheGivenNameForFormatAndMessages() throws Exception {
        Path name = Path.of("inline.json");
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> BootstrapLoader.parse(name, "{\"node\": {\"idd\": \"x\"}}"));
        assertEquals("inline.json:1: node.idd: no such field in envoy.config.core.v3.Node (did you mean \"id\"?)",
                e.getMessage());
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
