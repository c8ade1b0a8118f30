package dev.outrigger.sidecar.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code outrigger} command. */
@Command(name = "outrigger",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A sidecar service-mesh proxy configured with Envoy's xDS v3 API.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoUpstreamCommand.class, CaCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status (0 ok, 1 failed, 2 usage error). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .registerConverter(java.time.Duration.class, new DurationConverter())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"outrigger " + (v == null ? "dev" : v)};
        }
    }
}
