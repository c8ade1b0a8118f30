package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.DataPlaneSnapshot;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Bootstraps for TCP proxy and protocol detection tests. Clusters (and an HTTP connection manager
 * to reuse) come from YAML through {@link ConfigLoader}; the listeners with TCP chains and
 * inspectors are built as records.
 */
final class TcpTestConfigs {

    private TcpTestConfigs() {
    }

    /** A loaded bootstrap with {@code clustersJson}, whose only listener routes all HTTP to {@code httpCluster}. */
    static BootstrapConfig base(String httpCluster, String... clustersJson) throws Exception {
        Path file = ProxyFixture.write(TestConfigs.bootstrap(TestConfigs.catchAll(httpCluster), clustersJson));
        try {
            return ConfigLoader.load(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The HTTP connection manager of {@code base}'s listener. */
    static HttpConnectionManagerConfig hcm(BootstrapConfig base) {
        return base.snapshot().listeners().get(0).http();
    }

    /** {@code base} with its listeners replaced by {@code listeners}. */
    static BootstrapConfig withListeners(BootstrapConfig base, ListenerConfig... listeners) {
        DataPlaneSnapshot s = base.snapshot();
        return new BootstrapConfig(base.server(),
                new DataPlaneSnapshot(s.version(), List.of(listeners), s.clusters(), s.configDumpJson()));
    }

    /** {@code config} with another drain timeout. */
    static BootstrapConfig withDrainTimeout(BootstrapConfig config, Duration timeout) {
        return new BootstrapConfig(config.server().withDrainTimeout(timeout), config.snapshot());
    }

    /** {@code config} on another I/O transport. */
    static BootstrapConfig onTransport(BootstrapConfig config, ServerSettings.Transport transport) {
        ServerSettings s = config.server();
        return new BootstrapConfig(new ServerSettings(s.nodeId(), s.nodeCluster(), s.adminAddress(), s.concurrency(),
                s.drainTimeout(), transport), config.snapshot());
    }

    /** A TCP proxy to {@code cluster}. */
    static TcpProxyConfig tcpProxy(String cluster, Duration idleTimeout) {
        return new TcpProxyConfig(cluster, List.of(new ClusterWeight(cluster, 1)), idleTimeout);
    }

    /** A listener on an ephemeral port with one TCP proxy chain and no inspectors. */
    static ListenerConfig tcpListener(String name, TcpProxyConfig tcp) {
        return new ListenerConfig(name, new InetSocketAddress("127.0.0.1", 0),
                List.of(FilterChainConfig.tcp("tcp", FilterChainMatch.ANY, tcp)), null, null);
    }

    /**
     * A listener that inspects the first bytes: HTTP/1.1 and h2c go to {@code http}, everything
     * else (other bytes, silent clients) to the default TCP proxy chain {@code tcp}.
     */
    static ListenerConfig detectingListener(String name, HttpConnectionManagerConfig http, TcpProxyConfig tcp,
            Duration timeout) {
        return new ListenerConfig(name, new InetSocketAddress("127.0.0.1", 0),
                List.of(FilterChainConfig.http("http", new FilterChainMatch(0, "", List.of("http/1.1", "h2c")), http)),
                FilterChainConfig.tcp("tcp", FilterChainMatch.ANY, tcp),
                new ProtocolDetection(true, true, timeout));
    }

    /** A socket to {@code listener} of {@code sidecar}, reads timing out after 10 s. */
    static Socket connect(Sidecar sidecar, String listener) throws IOException {
        Socket s = new Socket("127.0.0.1", sidecar.listenerAddress(listener).getPort());
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** The value of one Prometheus series, e.g. {@code name{cluster="a"}}; 0 when absent. */
    static double metric(Sidecar sidecar, String series) {
        for (String line : sidecar.metrics().scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
