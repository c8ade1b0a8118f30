package dev.outrigger.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.ProcessLog;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code outrigger} command: exit codes and messages, and the real process's lifecycle. */
class CliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String config(int listenerPort, int upstreamPort) {
        return """
                static_resources:
                  listeners:
                  - name: outbound
                    address: {socket_address: {address: 127.0.0.1, port_value: %d}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: outbound
                          route_config:
                            virtual_hosts:
                            - name: all
                              domains: ["*"]
                              routes:
                              - match: {prefix: /}
                                route: {cluster: app}
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                  clusters:
                  - name: app
                    type: STATIC
                    load_assignment:
                      cluster_name: app
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
                """.formatted(listenerPort, upstreamPort);
    }

    @Test
    void validateAcceptsAGoodFile() throws IOException {
        Path f = Files.writeString(dir.resolve("good.yaml"), config(15001, 8080));
        CliRun r = run("validate", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("OK (1 listener(s), 1 cluster(s))"), r.out());
    }

    @Test
    void nodeIdFlagFillsTheNodeOfADynamicBootstrap() throws IOException {
        String dynamic = config(15001, 8080) + """
                dynamic_resources:
                  ads_config:
                    api_type: DELTA_GRPC
                    grpc_services: [ { envoy_grpc: { cluster_name: app } } ]
                  cds_config: { ads: {} }
                """;
        Path f = Files.writeString(dir.resolve("dynamic.yaml"), dynamic);
        CliRun missing = run("validate", f.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("node.id: required with dynamic_resources"), missing.err());
        CliRun r = run("validate", "--node-id", "pod-1", "--service-cluster", "shop", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ADS DELTA to 127.0.0.1:8080 as node 'pod-1'"), r.out());
    }

    @Test
    void validateNamesFileLineAndFieldOfAnUnsupportedFilter() throws IOException {
        String bad = config(15001, 8080).replace("""
                          http_filters:
                """, """
                          http_filters:
                          - name: envoy.filters.http.lua
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                """);
        Path f = Files.writeString(dir.resolve("bad.yaml"), bad);
        CliRun r = run("validate", f.toString());
        assertEquals(1, r.code());
        String expected = f + ":19: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0]: "
                + "envoy.filters.http.lua is not supported";
        assertTrue(r.err().startsWith(expected), r.err());
    }

    @Test
    void validateReportsAMissingFileAndUsageErrors() {
        CliRun missing = run("validate", dir.resolve("absent.yaml").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("absent.yaml"), missing.err());
        assertEquals(2, run("validate").code());
        assertEquals(2, run("no-such-command").code());
        assertEquals(2, run("run", "--config", "x.yaml", "--drain-timeout", "soon").code());
    }

    @Test
    void everyCommandReportsTheVersion() {
        for (String[] args : new String[][] {{"--version"}, {"run", "-V"}, {"validate", "-V"}, {"demo-upstream", "-V"}}) {
            CliRun r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("outrigger "), String.join(" ", args) + ": " + r.out());
        }
    }

    @Test
    void runRejectsBadFlagValuesAsUsageErrors() throws IOException {
        Path f = Files.writeString(dir.resolve("flags.yaml"), config(15001, 8080));
        CliRun concurrency = run("run", "--config", f.toString(), "--concurrency", "5000");
        assertEquals(2, concurrency.code());
        assertTrue(concurrency.err().contains("--concurrency must be 0 (one per CPU) to 1024, got 5000"), concurrency.err());
        CliRun admin = run("run", "--config", f.toString(), "--admin-address", "localhost:15000");
        assertEquals(2, admin.code());
        assertTrue(admin.err().contains("--admin-address needs an IP address, got 'localhost'"), admin.err());
    }

    @Test
    void runFailsWithOneClearLineWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path f = Files.writeString(dir.resolve("taken.yaml"), config(taken.getLocalPort(), 8080));
            Process p = start("run", "--config", f.toString(), "--admin-address", "127.0.0.1:" + freePort());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            List<String> ours = err.lines().filter(l -> l.startsWith("outrigger:")).toList();
            assertEquals(List.of("outrigger: cannot start: listener 'outbound' cannot bind 127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use"), ours, err);
        }
    }

    @Test
    void runFailsClearlyOnAnUnreadableConfig() throws Exception {
        Process p = start("run", "--config", dir.resolve("missing.yaml").toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(err.contains("outrigger: ") && err.contains("missing.yaml"), err);
    }

    @Test
    void runServesThenOnSigtermFinishesTheInFlightRequestAndExitsZero() throws Exception {
        try (TestUpstream app = TestUpstream.start("app", r -> r.uri().equals("/slow")
                ? Reply.ok("slow done").delay(java.time.Duration.ofMillis(800)) : Reply.ok("app"))) {
            int listen = freePort();
            int admin = freePort();
            Path f = Files.writeString(dir.resolve("run.yaml"), config(listen, app.port()));
            Process p = start("run", "--config", f.toString(), "--admin-address", "127.0.0.1:" + admin,
                    "--concurrency", "1", "--drain-timeout", "5s");
            try {
                // HTTP/1.1: this test is about a keep-alive connection; HTTP/2 draining has its own test.
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                awaitReady(p);
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listen + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("app", r.body());

                var slow = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listen + "/slow")).build(),
                        HttpResponse.BodyHandlers.ofString());
                app.awaitRequests(2, java.time.Duration.ofSeconds(10));
                p.destroy(); // SIGTERM while /slow is in flight
                HttpResponse<String> finished = slow.get(10, TimeUnit.SECONDS);
                assertEquals(200, finished.statusCode());
                assertEquals("slow done", finished.body());
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "process exits after draining");
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void runExitsZeroAfterPostDrain() throws Exception {
        try (TestUpstream app = TestUpstream.named("app")) {
            int admin = freePort();
            Path f = Files.writeString(dir.resolve("drain.yaml"), config(freePort(), app.port()));
            Process p = start("run", "--config", f.toString(), "--admin-address", "127.0.0.1:" + admin);
            try {
                awaitReady(p);
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/drain")).POST(HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, r.statusCode());
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "process exits after POST /drain");
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void runRefusesAnInvalidConfigWithFileLineAndField() throws Exception {
        Path f = Files.writeString(dir.resolve("invalid.yaml"), config(15001, 8080).replace("type: STATIC", "type: STRICT_DNS"));
        Process p = start("run", "--config", f.toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("outrigger: " + f + ":24: static_resources.clusters[0].type: "), err);
    }

    private static void awaitReady(Process p) throws Exception {
        ProcessLog.awaitLine(p, "Sidecar: ready:", Duration.ofSeconds(30));
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx128m", Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
