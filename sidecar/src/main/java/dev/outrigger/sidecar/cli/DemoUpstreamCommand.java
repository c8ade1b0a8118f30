package dev.outrigger.sidecar.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outrigger demo-upstream}: runs a {@link DemoUpstream} until SIGTERM or SIGINT. */
@Command(name = "demo-upstream", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run a tiny HTTP server on 127.0.0.1 that names itself and echoes the proxy's headers, "
                + "to put behind Outrigger when trying it out.")
final class DemoUpstreamCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "what the server calls itself")
    String name;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "port on 127.0.0.1")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 1 || port > 65535) {
            spec.commandLine().getErr().println("demo-upstream: --port must be 1..65535, got " + port);
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        try (DemoUpstream server = DemoUpstream.start(name, port)) {
            spec.commandLine().getOut().println("demo-upstream " + name + " listening on 127.0.0.1:" + server.port());
            spec.commandLine().getOut().flush();
            stop.await();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("demo-upstream " + name + ": cannot bind 127.0.0.1:" + port + ": "
                    + e.getMessage());
            return 1;
        }
    }
}
