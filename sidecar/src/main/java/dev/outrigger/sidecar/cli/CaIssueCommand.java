package dev.outrigger.sidecar.cli;

import dev.outrigger.mtls.AtomicFiles;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outrigger ca issue}: issues a workload certificate for a SPIFFE ID from a CA directory. */
@Command(name = "issue", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Issue a certificate for a SPIFFE ID: writes DIR/cert.pem (leaf and intermediates), "
                + "DIR/key.pem (PKCS#8, mode 0600) and DIR/ca.pem (the trust bundle).")
final class CaIssueCommand implements Callable<Integer> {

    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";
    static final String BUNDLE_FILE = "ca.pem";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--spiffe-id", required = true, paramLabel = "ID", description = "e.g. spiffe://example.org/ns/shop/sa/web")
    String spiffeId;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h", description = "lifetime (default 24h)")
    Duration ttl;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "a directory made by 'outrigger ca init'")
    Path caDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write the files into")
    Path out;

    @Option(names = "--key-type", paramLabel = "ec|rsa", converter = CaCommand.KeyTypeConverter.class,
            description = "EC P-256 (default) or RSA 2048")
    KeyType keyType = KeyType.EC;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (out.toAbsolutePath().normalize().equals(caDir.toAbsolutePath().normalize())) {
            // Both use ca.pem: the trust bundle would overwrite the CA's own chain.
            err.println("outrigger: --out must be another directory than --ca " + caDir);
            return 1;
        }
        CertifiedKey issued;
        CertificateAuthority ca;
        try {
            SpiffeId id = SpiffeId.parse(spiffeId);
            ca = CertificateAuthority.load(caDir, Clock.systemUTC());
            issued = ca.issue(id, ttl, keyType);
        } catch (IllegalArgumentException | CredentialException e) {
            err.println("outrigger: " + e.getMessage());
            return 1;
        }
        try {
            // Key first: a watcher that sees the new certificate beside the old key waits for the pair anyway.
            AtomicFiles.writeSecret(out.resolve(KEY_FILE), Pem.writePrivateKey(issued.key()));
            AtomicFiles.write(out.resolve(CERT_FILE), issued.chainPem());
            AtomicFiles.write(out.resolve(BUNDLE_FILE), ca.trustBundle().toPem());
        } catch (IOException e) {
            err.println("outrigger: cannot write into " + out + ": " + e);
            return 1;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("issued %s%n", issued.spiffeId().orElseThrow());
        o.printf("  serial   %s%n", issued.serial().toString(16));
        o.printf("  expires  %s%n", issued.notAfter());
        o.printf("  %s  certificate%s%n", out.resolve(CERT_FILE), issued.chain().size() > 1 ? " and intermediate" : "");
        o.printf("  %s  private key (%s, PKCS#8, mode 0600)%n", out.resolve(KEY_FILE), keyType);
        o.printf("  %s  trust bundle (the root)%n", out.resolve(BUNDLE_FILE));
        o.flush();
        return 0;
    }
}
