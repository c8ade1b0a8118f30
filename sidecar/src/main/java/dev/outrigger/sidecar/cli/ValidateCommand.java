package dev.outrigger.sidecar.cli;

import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.xds.ConfigFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code outrigger validate FILE}: checks a bootstrap file without starting anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check a bootstrap file; exit 0 if Outrigger can run it, 1 with the file, line and field if not.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Envoy v3 bootstrap, YAML or JSON")
    Path file;

    @picocli.CommandLine.Mixin
    NodeOptions node = new NodeOptions();

    @Override
    public Integer call() {
        try {
            BootstrapConfig config = ConfigLoader.load(file, node.overrides());
            spec.commandLine().getOut().printf("%s: OK (%d listener(s), %d cluster(s)%s)%n", file,
                    config.snapshot().listeners().size(), config.snapshot().clusters().size(),
                    config.ads() == null ? "" : "; ADS " + config.ads().options().apiType() + " to "
                            + config.ads().target() + " as node '" + config.ads().options().node().getId() + "'");
            return 0;
        } catch (ConfigFileException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
    }
}
