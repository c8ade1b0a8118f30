package dev.outrigger.mtls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Certificate authorities for tests, valid from ten days ago so that they can issue certificates that have already expired. */
final class TestPki {

    static final String DOMAIN = "example.org";

    private TestPki() {
    }

    /** A root CA for {@code trustDomain}, valid from ten days ago for thirty days. */
    static CertificateAuthority root(String trustDomain) {
        return root(trustDomain, KeyType.EC);
    }

    /** A root CA of {@code keyType} for {@code trustDomain}, valid from ten days ago for thirty days. */
    static CertificateAuthority root(String trustDomain, KeyType keyType) {
        return CertificateAuthority.createRoot(trustDomain, keyType, Duration.ofDays(30), shifted(Duration.ofDays(-10)))
                .withClock(Clock.systemUTC());
    }

    /** An intermediate under {@code root}, valid from ten days ago for twenty-five days. */
    static CertificateAuthority intermediate(CertificateAuthority root) {
        return root.withClock(shifted(Duration.ofDays(-10))).createIntermediate(KeyType.EC, Duration.ofDays(25))
                .withClock(Clock.systemUTC());
    }

    /** A clock {@code offset} away from now. */
    static Clock shifted(Duration offset) {
        return Clock.fixed(Instant.now().plus(offset), ZoneOffset.UTC);
    }

    /** {@code spiffe://example.org/<path>}. */
    static SpiffeId id(String path) {
        return SpiffeId.parse("spiffe://" + DOMAIN + "/" + path);
    }
}
