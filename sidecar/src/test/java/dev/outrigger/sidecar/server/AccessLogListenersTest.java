package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrapWithHcm;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.accesslog.LogFiles.awaitLines;
import static dev.outrigger.sidecar.accesslog.LogFiles.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.accesslog.AccessLogTarget;
import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.downstream.ListenerServices;
import dev.outrigger.sidecar.downstream.TlsTerminator;
import dev.outrigger.sidecar.http.HttpChainInstaller;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.tcp.TcpChainInstaller;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs through a listener's life: a file that cannot be opened fails the listener (at
 * startup, or as a rejected update that leaves the serving configuration alone), an update that
 * keeps a file keeps its sink, a removed listener's file is released after its drain, and
 * stopping writes out queued lines.
 */
class AccessLogListenersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static String accessLog(Path file) {
        return "access_log: [{name: file, typed_config: {\"@type\": "
                + "\"type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\", path: \"" + file
                + "\"}}],";
    }

    private static BootstrapConfig load(Path file, String statPrefix, TestUpstream app) throws Exception {
        String yaml = bootstrapWithHcm(accessLog(file), catchAll("app"), cluster("app", app))
                .replace("stat_prefix: outbound", "stat_prefix: " + statPrefix);
        Path config = ProxyFixture.write(yaml);
        try {
            return ConfigLoader.load(config);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void aFileThatCannotBeOpenedFailsStartupNamingTheListenerAndTheFile() throws Exception {
        try (TestUpstream app = TestUpstream.named("app")) {
            Path missing = dir.resolve("no-such-dir").resolve("access.log");
            StartupException e = assertThrows(StartupException.class,
                    () -> Sidecar.start(load(missing, "outbound", app), "test"));
            assertTrue(e.getMessage().contains("listener 'outbound'") && e.getMessage().contains(missing.toString()),
                    e.getMessage());
            StartupException directory = assertThrows(StartupException.class,
                    () -> Sidecar.start(load(dir, "outbound", app), "test"));
            assertTrue(directory.getMessage().contains("listener 'outbound'")
                    && directory.getMessage().contains(dir.toString()), directory.getMessage());
        }
    }

    @Test
    void stoppingWritesOutQueuedLines() throws Exception {
        Path log = dir.resolve("access.log");
        try (TestUpstream app = TestUpstream.named("app")) {
            Sidecar sidecar = Sidecar.start(load(log, "outbound", app), "test");
            try (RawHttpClient client = RawHttpClient.connect(sidecar.listenerAddress("outbound").getPort())) {
                assertEquals(200, client.get("/stop").status());
                // The client has the response a moment before the proxy is done with the request.
                Await.until("the request finished", WAIT, () -> TcpTestConfigs.metric(sidecar,
                        "outrigger_downstream_rq_active{listener=\"outbound\"}") == 0);
            } finally {
                sidecar.close();
            }
            // No waiting for the writer's periodic flush: closing wrote out what was queued.
            assertEquals(1, lines(log).size(), lines(log).toString());
            assertTrue(lines(log).get(0).contains("\"GET /stop HTTP/1.1\" 200"), lines(log).toString());
        }
    }

    @Test
    void updatesKeepTheirFileRefuseOneThatCannotBeOpenedAndRemovalReleasesIt() throws Exception {
        Path log = dir.resolve("access.log");
        Path other = dir.resolve("other.log");
        AccessLogTarget logTarget = AccessLogTarget.file(log);
        ProxyMetrics metrics = new ProxyMetrics();
        Transport transport = Transport.nio();
        EventLoopGroup workers = transport.newGroup(1, "access-log-test");
        try (TestUpstream app = TestUpstream.named("app")) {
            BootstrapConfig v1 = load(log, "v1", app);
            ClusterManager clusters = new ClusterManager(v1.snapshot().clusters(), metrics, transport);
            ListenerServices services = new ListenerServices(metrics.registry(), "", clusters, null, null);
            ListenerManager listeners = new ListenerManager(workers, transport,
                    new TlsTerminator(new ChainInstallers(new HttpChainInstaller(), new TcpChainInstaller()), chain -> {
                        throw new IllegalStateException("no TLS here");
                    }), services, metrics, Duration.ofSeconds(5));
            try {
                listeners.add(v1.snapshot().listeners().get(0));
                int port = listeners.address("outbound").getPort();
                assertEquals(Map.of(logTarget, 1), services.accessLogSinks().openTargets());

                // The same file: the new configuration holds the sink before the old one lets go.
                ListenerConfig v2 = load(log, "v2", app).snapshot().listeners().get(0);
                listeners.replace(v2);
                Await.until("the previous configuration released", WAIT,
                        () -> Map.of(logTarget, 1).equals(services.accessLogSinks().openTargets()));

                // A file that cannot be opened: refused, naming listener and file; v2 goes on serving and logging.
                Path missing = dir.resolve("missing").resolve("access.log");
                StartupException e = assertThrows(StartupException.class,
                        () -> listeners.replace(load(missing, "v3", app).snapshot().listeners().get(0)));
                assertTrue(e.getMessage().contains("listener 'outbound'") && e.getMessage().contains(missing.toString()),
                        e.getMessage());
                assertEquals(List.of(v2), listeners.configs());
                assertEquals(Map.of(logTarget, 1), services.accessLogSinks().openTargets());
                try (RawHttpClient client = RawHttpClient.connect(port)) {
                    assertEquals(200, client.get("/after-refusal").status());
                }
                Await.until("the request logged", WAIT, () -> lines(log).size() == 1);
                assertTrue(lines(log).get(0).contains("GET /after-refusal"), lines(log).toString());

                // Another file: the old one is closed once the old configuration drained.
                listeners.replace(load(other, "v4", app).snapshot().listeners().get(0));
                Await.until("only the new file open", WAIT,
                        () -> Map.of(AccessLogTarget.file(other), 1).equals(services.accessLogSinks().openTargets()));

                listeners.remove("outbound");
                Await.until("the removed listener's file released", WAIT,
                        () -> services.accessLogSinks().openTargets().isEmpty());
            } finally {
                listeners.closeAll();
                listeners.releaseAll();
                services.close();
                clusters.closeIdleConnections();
                workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                metrics.close();
            }
        }
    }
}
