package dev.outrigger.sidecar.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the trust bundle peers are checked against comes from: a file, inline PEM, bundles per
 * trust domain (Envoy's SPIFFE validator), or an SDS secret.
 */
public sealed interface TrustRef {

    /**
     * A file on disk, watched and reloaded when it changes.
     *
     * @param bundle the CA certificates
     */
    record File(Path bundle) implements TrustRef {
        public File {
            Objects.requireNonNull(bundle, "bundle");
        }
    }

    /**
     * PEM given in the configuration.
     *
     * @param bundle the CA certificates
     */
    record Inline(String bundle) implements TrustRef {
        public Inline {
            Objects.requireNonNull(bundle, "bundle");
        }
    }

    /**
     * A {@code validation_context} secret delivered by SDS.
     *
     * @param name the secret's name
     */
    record Sds(String name) implements TrustRef {
        public Sds {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A bundle per trust domain, chosen by the peer's SPIFFE ID (Envoy's SPIFFE validator).
     *
     * @param trust the bundles, each a file (watched) or inline
     */
    record Spiffe(dev.outrigger.sidecar.secret.SpiffeTrust trust) implements TrustRef {
        public Spiffe {
            Objects.requireNonNull(trust, "trust");
        }
    }
}
