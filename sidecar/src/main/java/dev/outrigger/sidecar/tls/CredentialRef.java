package dev.outrigger.sidecar.tls;

import java.nio.file.Path;
import java.util.Objects;

/** Where a certificate chain and its private key come from: files, inline PEM, or an SDS secret. */
public sealed interface CredentialRef {

    /** A short name for logs, {@code /certs} and metric labels: the chain's file, {@code inline}, or {@code sds:NAME}. */
    default String label() {
        if (this instanceof Files f) {
            return f.chain().toString();
        }
        return this instanceof Sds s ? "sds:" + s.name() : "inline";
    }

    /**
     * Files on disk, watched and reloaded when they change.
     *
     * @param chain the certificate chain, leaf first
     * @param key the private key
     */
    record Files(Path chain, Path key) implements CredentialRef {
        public Files {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * PEM given in the configuration.
     *
     * @param chain the certificate chain, leaf first
     * @param key the private key (never printed)
     */
    record Inline(String chain, String key) implements CredentialRef {
        public Inline {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "Inline[chain=" + chain.length() + " chars, key=[redacted]]";
        }
    }

    /**
     * A {@code tls_certificate} secret delivered by SDS.
     *
     * @param name the secret's name
     */
    record Sds(String name) implements CredentialRef {
        public Sds {
            Objects.requireNonNull(name, "name");
        }
    }
}
