package dev.outrigger.sidecar.cli;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.server.Sidecar;
import dev.outrigger.sidecar.server.StartupException;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.xds.ConfigFileException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outrigger run --config FILE}: runs the sidecar until SIGTERM, SIGINT or {@code POST /drain}. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the sidecar on a bootstrap file until SIGTERM/SIGINT or POST /drain, then drain and exit 0.")
final class RunCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "Envoy v3 bootstrap, YAML or JSON")
    Path config;

    @picocli.CommandLine.Mixin
    NodeOptions node = new NodeOptions();

    @Option(names = "--concurrency", paramLabel = "N",
            description = "event-loop threads (default: the bootstrap's, else one per CPU)")
    Integer concurrency;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "how long draining waits for in-flight requests, e.g. 20s (default: the bootstrap's, else 10s)")
    Duration drainTimeout;

    @Option(names = "--admin-address", paramLabel = "HOST:PORT",
            description = "admin endpoint address (default: the bootstrap's admin.address, else 127.0.0.1:15000)")
    String adminAddress;

    @Override
    public Integer call() throws InterruptedException {
        // Signals first: a SIGTERM during start-up must still end in a drain and exit 0.
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        BootstrapConfig bootstrap;
        try {
            bootstrap = withOverrides(ConfigLoader.load(config, node.overrides()));
        } catch (ConfigFileException e) {
            spec.commandLine().getErr().println("outrigger: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("outrigger: " + e.getMessage());
            return 2;
        }
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(bootstrap, config.toString(), stop::countDown);
        } catch (StartupException e) {
            spec.commandLine().getErr().println("outrigger: cannot start: " + e.getMessage());
            return 1;
        }
        stop.await();
        try {
            sidecar.drain().get();
        } catch (ExecutionException e) {
            spec.commandLine().getErr().println("outrigger: drain failed: " + e.getCause());
        } finally {
            sidecar.close();
        }
        return 0;
    }

    private BootstrapConfig withOverrides(BootstrapConfig b) {
        ServerSettings s = b.server();
        if (concurrency != null) {
            if (concurrency < 0 || concurrency > ServerSettings.MAX_CONCURRENCY) {
                throw new IllegalArgumentException("--concurrency must be 0 (one per CPU) to " + ServerSettings.MAX_CONCURRENCY
                        + ", got " + concurrency);
            }
            s = s.withConcurrency(concurrency);
        }
        if (drainTimeout != null) {
            s = s.withDrainTimeout(drainTimeout);
        }
        if (adminAddress != null) {
            s = s.withAdminAddress(parseAddress(adminAddress));
        }
        return b.withServer(s);
    }

    private static InetSocketAddress parseAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--admin-address must be HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon).replace("[", "").replace("]", "");
        if (!InetAddresses.isInetAddress(host)) {
            // Same rule as the bootstrap: addresses are IP literals, never names to resolve.
            throw new IllegalArgumentException("--admin-address needs an IP address, got '" + host + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--admin-address port is not a number: '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--admin-address port must be 0 to 65535, got " + port);
        }
        return new InetSocketAddress(InetAddresses.forString(host), port);
    }
}
