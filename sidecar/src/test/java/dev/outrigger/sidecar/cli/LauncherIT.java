package dev.outrigger.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.ProcessLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/outrigger} as users run it, against the packaged jar (an integration test: it runs
 * after {@code package}). Covers the JVM flags it passes and its class data sharing archive.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("sidecar/target/outrigger-sidecar.jar");

    @TempDir
    Path dir;

    @Test
    void passesItsDefaultJvmFlagsAndLetsJavaOptsOverrideThem() throws Exception {
        Path archive = dir.resolve("cds.jsa");
        Process p = launch(Map.of("OUTRIGGER_CDS_ARCHIVE", archive.toString(), "OUTRIGGER_CDS", "0",
                "JAVA_OPTS", "-Xmx200m"), "run", "--config", config().toString(), "--admin-address", "127.0.0.1:0");
        try {
            awaitReady(p);
            List<String> args = javaArgs(p);
            assertTrue(args.contains("-XX:+UseSerialGC"), args.toString());
            assertTrue(args.contains("-Dio.netty.leakDetection.level=disabled"), args.toString());
            assertTrue(args.indexOf("-Xmx200m") > args.indexOf("-Xmx256m"), "JAVA_OPTS come last, so they win: " + args);
            assertFalse(args.stream().anyMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit")),
                    "OUTRIGGER_CDS=0: " + args);
        } finally {
            stop(p);
        }
        assertFalse(Files.exists(archive));
    }

    @Test
    void emptyOutriggerJvmFlagsPassesNoneOfTheDefaults() throws Exception {
        Process p = launch(Map.of("OUTRIGGER_JVM_FLAGS", "", "OUTRIGGER_CDS", "0"),
                "run", "--config", config().toString(), "--admin-address", "127.0.0.1:0");
        try {
            awaitReady(p);
            List<String> args = javaArgs(p);
            assertFalse(args.contains("-XX:+UseSerialGC"), args.toString());
        } finally {
            stop(p);
        }
    }

    @Test
    void theFirstRunWritesTheArchiveAsItExitsAndTheNextRunMapsIt() throws Exception {
        Path archive = dir.resolve("cds.jsa");
        Map<String, String> env = Map.of("OUTRIGGER_CDS_ARCHIVE", archive.toString());
        String[] run = {"run", "--config", config().toString(), "--admin-address", "127.0.0.1:0"};

        Process first = launch(env, run);
        try {
            awaitReady(first);
            assertTrue(javaArgs(first).contains("-XX:ArchiveClassesAtExit=" + archive + "." + first.pid() + ".partial"),
                    javaArgs(first).toString());
            first.destroy(); // SIGTERM to the script, which passes it on
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), "the exit status of Outrigger itself");
        } finally {
            first.destroyForcibly();
        }
        assertTrue(Files.size(archive) > 1_000_000, "an archive of the classes of a serving run");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".partial")).toList());
        }

        Process second = launch(env, run);
        try {
            awaitReady(second);
            assertTrue(javaArgs(second).contains("-XX:SharedArchiveFile=" + archive), javaArgs(second).toString());
            String maps = Files.readString(Path.of("/proc", Long.toString(second.pid()), "maps"));
            assertTrue(maps.contains(archive.toString()), "the JVM mapped the archive");
        } finally {
            stop(second);
        }
    }

    @Test
    void anArchiveOlderThanTheJarIsWrittenAgain() throws Exception {
        Path archive = Files.write(dir.resolve("cds.jsa"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(JAR).toMillis() - 60_000));
        Process p = launch(Map.of("OUTRIGGER_CDS_ARCHIVE", archive.toString()),
                "run", "--config", config().toString(), "--admin-address", "127.0.0.1:0");
        try {
            awaitReady(p);
            assertFalse(javaArgs(p).stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), "a stale archive is not used");
        } finally {
            stop(p);
        }
        assertTrue(Files.size(archive) > 1_000_000, "replaced by a fresh archive");
    }

    @Test
    void aRunThatFailsToStartLeavesNoArchive() throws Exception {
        Path archive = dir.resolve("cds.jsa");
        Process p = launch(Map.of("OUTRIGGER_CDS_ARCHIVE", archive.toString()),
                "run", "--config", dir.resolve("missing.yaml").toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no archive, no partial file");
        }
    }

    private Path config() throws IOException {
        int upstream;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            upstream = s.getLocalPort();
        }
        return Files.writeString(dir.resolve("launcher.yaml"), """
                static_resources:
                  listeners:
                  - name: outbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: outbound
                          route_config:
                            virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: app}}]}]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                  clusters:
                  - name: app
                    type: STATIC
                    load_assignment:
                      cluster_name: app
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
                """.formatted(upstream));
    }

    private static Process launch(Map<String, String> env, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by package, before this test");
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(ROOT.resolve("bin/outrigger").toString()),
                Stream.of(args)).toList()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeAll(List.of("JAVA_OPTS", "OUTRIGGER_JVM_FLAGS", "OUTRIGGER_CDS",
                "OUTRIGGER_CDS_ARCHIVE"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The JVM's arguments: of the launched process itself (exec), or of its java child (training run). */
    private static List<String> javaArgs(Process p) throws IOException {
        ProcessHandle java = p.toHandle().descendants().findFirst().orElse(p.toHandle());
        byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(java.pid()), "cmdline"));
        return List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static void awaitReady(Process p) throws Exception {
        ProcessLog.awaitLine(p, "Sidecar: ready:", Duration.ofSeconds(60));
    }
}
