package dev.outrigger.sidecar.cli;

import dev.outrigger.mtls.AtomicFiles;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outrigger ca init}: creates a CA for a trust domain in a directory. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Create a CA for a SPIFFE trust domain: DIR/ca.pem (its chain) and DIR/ca-key.pem (its key, mode 0600).")
final class CaInitCommand implements Callable<Integer> {

    /** With --intermediate, the root's key: not needed to issue, so it can be moved offline. */
    static final String ROOT_KEY_FILE = "root-key.pem";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--trust-domain", required = true, paramLabel = "DOMAIN", description = "e.g. example.org")
    String trustDomain;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write the CA into")
    Path out;

    @Option(names = "--intermediate",
            description = "issue from an intermediate CA under the root (valid for half the TTL); the root's key goes to "
                    + ROOT_KEY_FILE)
    boolean intermediate;

    @Option(names = "--key-type", paramLabel = "ec|rsa", converter = CaCommand.KeyTypeConverter.class,
            description = "EC P-256 (default) or RSA 2048")
    KeyType keyType = KeyType.EC;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "8760h", description = "the root's lifetime (default 8760h)")
    Duration ttl;

    @Option(names = "--force", description = "replace a CA already in DIR")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!force && (CertificateAuthority.existsIn(out) || Files.exists(out.resolve(ROOT_KEY_FILE)))) {
            err.println("outrigger: " + out + " already holds a CA; use --force to replace it");
            return 1;
        }
        CertificateAuthority root;
        try {
            root = CertificateAuthority.createRoot(trustDomain, keyType, ttl, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            err.println("outrigger: " + e.getMessage());
            return 1;
        }
        CertificateAuthority signer = intermediate ? root.createIntermediate(keyType, ttl.dividedBy(2)) : root;
        try {
            signer.save(out);
            if (intermediate) {
                AtomicFiles.writeSecret(out.resolve(ROOT_KEY_FILE), Pem.writePrivateKey(root.signer().key()));
            } else {
                // A root-only CA replacing one with an intermediate must not leave the old root's key behind.
                Files.deleteIfExists(out.resolve(ROOT_KEY_FILE));
            }
        } catch (IOException e) {
            err.println("outrigger: cannot write the CA into " + out + ": " + e);
            return 1;
        }
        report(spec.commandLine().getOut(), signer);
        return 0;
    }

    private void report(PrintWriter out, CertificateAuthority ca) {
        Path chain = this.out.resolve(CertificateAuthority.CHAIN_FILE);
        Path key = this.out.resolve(CertificateAuthority.KEY_FILE);
        out.printf("created a CA for trust domain %s (%s)%n", ca.trustDomain(), keyType);
        if (intermediate) {
            out.printf("  %s  intermediate (expires %s) and root (expires %s) certificates%n", chain,
                    ca.signer().notAfter(), ca.root().getNotAfter().toInstant());
            out.printf("  %s  the intermediate's private key (mode 0600)%n", key);
            out.printf("  %s  the root's private key (mode 0600); not needed to issue, keep it offline%n",
                    this.out.resolve(ROOT_KEY_FILE));
        } else {
            out.printf("  %s  root certificate (expires %s)%n", chain, ca.signer().notAfter());
            out.printf("  %s  its private key (mode 0600)%n", key);
        }
        out.flush();
    }
}
