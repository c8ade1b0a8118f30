package dev.outrigger.sidecar.cli;

import dev.outrigger.mtls.KeyType;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code outrigger ca}: a small certificate authority for trying mutual TLS without a control
 * plane; its subcommands create one and issue workload certificates.
 */
@Command(name = "ca", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A file-based certificate authority for SPIFFE workload certificates (for tests and demos).",
        subcommands = {CaInitCommand.class, CaIssueCommand.class})
final class CaCommand {

    /** Parses {@code ec} or {@code rsa}, in any case. */
    static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
        @Override
        public KeyType convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "ec" -> KeyType.EC;
                case "rsa" -> KeyType.RSA;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a key type; use ec or rsa");
            };
        }
    }
}
