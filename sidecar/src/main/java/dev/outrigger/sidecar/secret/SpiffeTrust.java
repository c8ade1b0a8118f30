package dev.outrigger.sidecar.secret;

import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Envoy's SPIFFE certificate validator ({@code custom_validator_config} named
 * {@code envoy.tls.cert_validator.spiffe}): a trust bundle per trust domain, chosen by the trust
 * domain of the peer's SPIFFE ID, so no trust domain's CA can vouch for another's workloads.
 * Either a PEM bundle per trust domain, or one SPIFFE bundle map (JSON) naming them all, which
 * Envoy prefers when both are given.
 *
 * @param trustDomains PEM CA certificates by trust domain name; empty when {@code bundleMap} is set
 * @param bundleMap a SPIFFE trust bundle map ({@code {"trust_domains": {NAME: {"keys": [...]}}}}), or null
 */
public record SpiffeTrust(Map<String, PemSource> trustDomains, PemSource bundleMap) {

    public SpiffeTrust {
        trustDomains = trustDomains == null ? Map.of() : Map.copyOf(new TreeMap<>(trustDomains));
        if (trustDomains.isEmpty() == (bundleMap == null)) {
            throw new IllegalArgumentException("exactly one of trust domains and a bundle map");
        }
        trustDomains.values().forEach(v -> Objects.requireNonNull(v, "trust bundle"));
    }

    /** The files this reads, to watch for changes. */
    public java.util.List<java.nio.file.Path> files() {
        java.util.List<java.nio.file.Path> out = new java.util.ArrayList<>();
        if (bundleMap != null && bundleMap.file() != null) {
            out.add(bundleMap.file());
        }
        for (PemSource source : new TreeMap<>(trustDomains).values()) {
            if (source.file() != null) {
                out.add(source.file());
            }
        }
        return out;
    }
}
