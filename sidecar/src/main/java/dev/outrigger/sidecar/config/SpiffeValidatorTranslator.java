package dev.outrigger.sidecar.config;

import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.mtls.TrustBundle;
import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import dev.outrigger.sidecar.secret.SpiffeTrust;
import dev.outrigger.sidecar.tls.SpiffeBundles;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates a validation context's {@code custom_validator_config}: only Envoy's SPIFFE validator
 * ({@code envoy.tls.cert_validator.spiffe}, {@code SPIFFECertValidatorConfig}) exists. Inline
 * bundles are parsed here, so a broken one is rejected with the field that holds it; files are
 * read when the TLS context is built, and watched.
 */
final class SpiffeValidatorTranslator {

    /** The name Envoy gives the SPIFFE certificate validator. */
    static final String SPIFFE = "envoy.tls.cert_validator.spiffe";

    private SpiffeValidatorTranslator() {
    }

    static SpiffeTrust translate(TypedExtensionConfig config, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(config, path, "name", "typed_config");
        if (!config.getName().isEmpty() && !config.getName().equals(SPIFFE)) {
            throw path.field("name").invalid(config.getName() + " is not supported (only " + SPIFFE + ")");
        }
        if (!config.hasTypedConfig()) {
            throw path.field("typed_config").invalid("required: a SPIFFECertValidatorConfig");
        }
        FieldPath at = path.field("typed_config");
        SPIFFECertValidatorConfig spiffe = ConfigValues.unpack(config.getTypedConfig(), SPIFFECertValidatorConfig.class, at);
        FieldCheck.only(spiffe, at, "trust_domains", "trust_bundles");
        if (spiffe.hasTrustBundles()) {
            // As Envoy: the bundle map wins over trust_domains when both are given.
            FieldPath tb = at.field("trust_bundles");
            PemSource map = SecretTranslator.pem(spiffe.getTrustBundles(), tb);
            if (map.inline() != null) {
                try {
                    SpiffeBundles.parseBundleMap(map.inline(), "trust_bundles");
                } catch (CredentialException e) {
                    throw tb.invalid(e.problem());
                }
            }
            return new SpiffeTrust(Map.of(), map);
        }
        if (spiffe.getTrustDomainsCount() == 0) {
            throw at.invalid("needs trust_domains (a bundle per trust domain) or trust_bundles (a SPIFFE bundle map)");
        }
        Map<String, PemSource> domains = new LinkedHashMap<>();
        for (int i = 0; i < spiffe.getTrustDomainsCount(); i++) {
            SPIFFECertValidatorConfig.TrustDomain domain = spiffe.getTrustDomains(i);
            FieldPath td = at.field("trust_domains").index(i);
            FieldCheck.only(domain, td, "name", "trust_bundle");
            String name = domain.getName();
            try {
                SpiffeId.ofTrustDomain(name);
            } catch (IllegalArgumentException e) {
                throw td.field("name").invalid(e.getMessage() + " (a trust domain name such as example.org, without spiffe://)");
            }
            if (domains.containsKey(name)) {
                throw td.field("name").invalid("trust domain " + name + " is given twice");
            }
            if (!domain.hasTrustBundle()) {
                throw td.field("trust_bundle").invalid("required: the CA certificates of trust domain " + name);
            }
            PemSource pem = SecretTranslator.pem(domain.getTrustBundle(), td.field("trust_bundle"));
            if (pem.inline() != null) {
                try {
                    TrustBundle.parse(pem.inline(), "trust_bundle");
                } catch (CredentialException e) {
                    throw td.field("trust_bundle").invalid(e.problem());
                }
            }
            domains.put(name, pem);
        }
        return new SpiffeTrust(domains, null);
    }
}
