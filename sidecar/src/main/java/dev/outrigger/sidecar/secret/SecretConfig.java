package dev.outrigger.sidecar.secret;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A secret delivered by SDS (Envoy's {@code Secret}): a certificate with its private key, or a
 * validation context (the trust bundle peers are checked against). Exactly one of the two is set.
 * Immutable; the TLS contexts that use it are built elsewhere.
 *
 * @param name the secret's name, as {@code sds_secret_configs} refer to it
 * @param certificate the certificate chain and key, or null
 * @param validation the trust bundle, or null
 */
public record SecretConfig(String name, TlsCertificate certificate, ValidationContext validation) {

    public SecretConfig {
        Objects.requireNonNull(name, "name");
        if ((certificate == null) == (validation == null)) {
            throw new IllegalArgumentException("exactly one of certificate and validation");
        }
    }

    /**
     * PEM text given inline, or a file to read it from.
     *
     * @param inline the PEM text, or null
     * @param file the file, or null
     */
    public record PemSource(String inline, Path file) {

        public PemSource {
            if ((inline == null) == (file == null)) {
                throw new IllegalArgumentException("exactly one of inline and file");
            }
        }

        @Override
        public String toString() {
            return inline != null ? "<inline, " + inline.length() + " chars>" : file.toString();
        }
    }

    /**
     * A certificate chain and its private key.
     *
     * @param chain the certificate chain, leaf first
     * @param privateKey the private key (never printed)
     */
    public record TlsCertificate(PemSource chain, PemSource privateKey) {

        public TlsCertificate {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public String toString() {
            return "TlsCertificate[chain=" + chain + ", privateKey=[redacted]]";
        }
    }

    /**
     * The certificates a peer's chain must lead to: one trust bundle ({@code trusted_ca}), or a
     * bundle per trust domain (Envoy's SPIFFE validator). Exactly one of the two is set.
     *
     * @param trustedCa the trust bundle, or null
     * @param spiffe the bundles per trust domain, or null
     */
    public record ValidationContext(PemSource trustedCa, SpiffeTrust spiffe) {

        public ValidationContext {
            if ((trustedCa == null) == (spiffe == null)) {
                throw new IllegalArgumentException("exactly one of trustedCa and spiffe");
            }
        }

        /** A single trust bundle. */
        public ValidationContext(PemSource trustedCa) {
            this(trustedCa, null);
        }
    }
}
