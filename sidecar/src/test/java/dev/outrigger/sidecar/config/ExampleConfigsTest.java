package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.UpstreamProtocol;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.Route;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.xds.BootstrapLoader;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.LoadedBootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example shipped in deploy/examples must load, and translate once routes do. */
class ExampleConfigsTest {

    // Surefire runs in the module directory; the examples live at the repository root.
    private static final Path EXAMPLES = Path.of(System.getProperty("basedir", ".")).resolve("../deploy/examples")
            .normalize();

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void theDocumentedExamplesExist() throws IOException {
        List<String> names = examples().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("protocols.yaml", "quickstart.yaml", "routing.yaml",
                "sidecar.yaml", "xds.yaml")), names.toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void loads(Path file) throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(file);
        assertTrue(loaded.bootstrap().getStaticResources().getListenersCount() > 0
                || loaded.bootstrap().getDynamicResources().getLdsConfig().hasAds(), file.toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void translates(Path file) throws Exception {
        var config = TestBootstraps.translateWithRoutes(BootstrapLoader.load(file).bootstrap());
        assertEquals(BootstrapLoader.load(file).bootstrap().getStaticResources().getListenersCount(),
                config.snapshot().listeners().size());
    }

    @Test
    void quickstartIsWhatItsCommentSays() throws Exception {
        Bootstrap b = BootstrapLoader.load(EXAMPLES.resolve("quickstart.yaml")).bootstrap();

        assertEquals(new InetSocketAddress("127.0.0.1", 15000), ServerTranslator.translate(b).adminAddress());
        ListenerTranslator.Draft outbound = ListenerTranslator.translate(b.getStaticResources().getListeners(0),
                FieldPath.of("static_resources.listeners[0]"));
        assertEquals("outbound", outbound.name());
        assertEquals(new InetSocketAddress("127.0.0.1", 15001), outbound.address());
        assertEquals("demo", outbound.chains().get(0).http().routeConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
        ClusterConfig demo = ClusterTranslator.translate(b.getStaticResources().getClusters(0),
                FieldPath.of("static_resources.clusters[0]"));
        assertEquals("demo", demo.name());
        assertEquals(List.of(new EndpointConfig("127.0.0.1", 8081, 1), new EndpointConfig("127.0.0.1", 8082, 1)),
                demo.endpoints());
    }

    @Test
    void sidecarCarriesItsSettings() throws Exception {
        Bootstrap b = BootstrapLoader.load(EXAMPLES.resolve("sidecar.yaml")).bootstrap();
        ServerSettings server = ServerTranslator.translate(b);
        assertEquals(2, server.concurrency());
        assertEquals(Duration.ofSeconds(20), server.drainTimeout());
        assertEquals("orders", server.nodeCluster());
        ListenerTranslator.Draft inbound = ListenerTranslator.translate(b.getStaticResources().getListeners(0),
                FieldPath.of("static_resources.listeners[0]"));
        assertEquals(new InetSocketAddress("0.0.0.0", 15006), inbound.address());
    }

    @Test
    void sidecarInboundDetectsHttpAndPassesTheRestThroughAsTcp() throws Exception {
        ListenerConfig inbound = translate("sidecar.yaml").snapshot().listeners().get(0);
        assertEquals(new ProtocolDetection(true, true, Duration.ofMillis(100)), inbound.detection());
        assertEquals(1, inbound.filterChains().size());
        FilterChainConfig http = inbound.filterChains().get(0);
        assertEquals("inbound-http", http.name());
        assertEquals(new FilterChainMatch(0, FilterChainMatch.RAW_BUFFER,
                List.of(FilterChainMatch.HTTP11, FilterChainMatch.H2C)), http.match());
        assertEquals(256, http.http().http2().maxConcurrentStreams());
        assertEquals(FilterChainConfig.tcp("inbound-tcp", FilterChainMatch.ANY, new TcpProxyConfig("inbound-tcp",
                List.of(new ClusterWeight("local-app", 1)), Duration.ofMinutes(10))), inbound.defaultFilterChain());
    }

    @Test
    void protocolsShowsHttp2GrpcWebSocketAndTcp() throws Exception {
        var snapshot = translate("protocols.yaml").snapshot();
        ListenerConfig outbound = snapshot.listeners().get(0);
        assertEquals(new Http2Settings(128, 65_536, 1_048_576), outbound.http().http2());
        assertEquals(Set.of(), outbound.http().upgradeTypes(), "websocket is known but off on the listener");
        List<Route> orders = outbound.http().routeTable().virtualHosts().virtualHosts().get(0).routes();
        assertEquals(Duration.ofSeconds(10), ((ForwardAction) orders.get(0).action()).maxGrpcTimeout());
        List<Route> web = outbound.http().routeTable().virtualHosts().virtualHosts().get(1).routes();
        ForwardAction chat = (ForwardAction) web.get(0).action();
        assertTrue(chat.allowsUpgrade("websocket", outbound.http().upgradeTypes().contains("websocket")));
        ForwardAction rest = (ForwardAction) web.get(1).action();
        assertFalse(rest.allowsUpgrade("websocket", outbound.http().upgradeTypes().contains("websocket")));

        assertEquals(new TcpProxyConfig("postgres", List.of(new ClusterWeight("postgres", 1)),
                Duration.ofMinutes(30)), snapshot.listeners().get(1).filterChains().get(0).tcp());

        assertEquals(UpstreamProtocol.HTTP2, snapshot.cluster("orders-grpc").protocol());
        assertEquals(100, snapshot.cluster("orders-grpc").http2().maxConcurrentStreams());
        assertEquals(UpstreamProtocol.HTTP1, snapshot.cluster("chat").protocol());
        assertEquals(UpstreamProtocol.USE_DOWNSTREAM, snapshot.cluster("web").protocol());
    }

    private static BootstrapConfig translate(String example) throws Exception {
        return BootstrapTranslator.translate(BootstrapLoader.load(EXAMPLES.resolve(example)).bootstrap());
    }
}
