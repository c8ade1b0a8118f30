package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import dev.outrigger.sidecar.secret.SpiffeTrust;
import dev.outrigger.sidecar.tls.MeshFiles;
import dev.outrigger.sidecar.tls.SanMatcher;
import dev.outrigger.sidecar.tls.TlsSettings;
import dev.outrigger.sidecar.tls.TrustRef;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Envoy's SPIFFE validator in a validation context or an SDS secret: what is accepted, and each rejection by field. */
class SpiffeValidatorTranslatorTest {

    private static final FieldPath AT = FieldPath.ROOT.field("transport_socket");
    private static final String VC = "transport_socket.typed_config.common_tls_context.validation_context.";
    private static final CertificateAuthority CA = CertificateAuthority.createRoot("cluster.local", KeyType.EC,
            Duration.ofDays(1), Clock.systemUTC());
    private static final String CA_PEM = CA.trustBundle().toPem();

    private static TypedExtensionConfig spiffe(SPIFFECertValidatorConfig config) {
        return TypedExtensionConfig.newBuilder().setName("envoy.tls.cert_validator.spiffe")
                .setTypedConfig(Any.pack(config)).build();
    }

    private static SPIFFECertValidatorConfig.TrustDomain domain(String name, DataSource bundle) {
        return SPIFFECertValidatorConfig.TrustDomain.newBuilder().setName(name).setTrustBundle(bundle).build();
    }

    private static DataSource inline(String text) {
        return DataSource.newBuilder().setInlineString(text).build();
    }

    private static TlsSettings upstream(CertificateValidationContext v) throws ResourceInvalidException {
        return TlsContextTranslator.upstream(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(
                        CommonTlsContext.newBuilder().setValidationContext(v)).build())).build(), AT);
    }

    @Test
    void trustDomainsFromFilesAndInlineWithSanMatchers() throws Exception {
        TlsSettings s = upstream(CertificateValidationContext.newBuilder()
                .setCustomValidatorConfig(spiffe(SPIFFECertValidatorConfig.newBuilder()
                        .addTrustDomains(domain("cluster.local", inline(CA_PEM)))
                        .addTrustDomains(domain("partner.test", DataSource.newBuilder()
                                .setFilename("/etc/partner/ca.pem").build()))
                        .build()))
                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                        .setSanType(SubjectAltNameMatcher.SanType.URI)
                        .setMatcher(StringMatcher.newBuilder().setPrefix("spiffe://partner.test/ns/pay/")))
                .build());
        SpiffeTrust trust = ((TrustRef.Spiffe) s.trust()).trust();
        assertEquals(Map.of("cluster.local", new PemSource(CA_PEM, null),
                "partner.test", new PemSource(null, Path.of("/etc/partner/ca.pem"))), trust.trustDomains());
        assertNull(trust.bundleMap());
        assertEquals(List.of(new SanMatcher(SanMatcher.Kind.PREFIX, "spiffe://partner.test/ns/pay/")), s.peerSans());
        assertEquals(List.of(Path.of("/etc/partner/ca.pem")), trust.files());
    }

    @Test
    void aBundleMapWinsOverTrustDomainsAsInEnvoy() throws Exception {
        String json = MeshFiles.bundleMap(Map.of("cluster.local", CA.root()));
        TlsSettings s = upstream(CertificateValidationContext.newBuilder()
                .setCustomValidatorConfig(spiffe(SPIFFECertValidatorConfig.newBuilder()
                        .addTrustDomains(domain("ignored.test", inline(CA_PEM)))
                        .setTrustBundles(inline(json)).build()))
                .build());
        SpiffeTrust trust = ((TrustRef.Spiffe) s.trust()).trust();
        assertEquals(new PemSource(json, null), trust.bundleMap());
        assertEquals(Map.of(), trust.trustDomains());
    }

    @Test
    void anSdsValidationSecretMayCarryTheValidator() throws Exception {
        SecretConfig secret = SecretTranslator.translate(Secret.newBuilder().setName("ROOTCA")
                .setValidationContext(CertificateValidationContext.newBuilder().setCustomValidatorConfig(
                        spiffe(SPIFFECertValidatorConfig.newBuilder()
                                .addTrustDomains(domain("cluster.local", inline(CA_PEM))).build())))
                .build(), FieldPath.ROOT);
        assertNull(secret.validation().trustedCa());
        assertEquals(Map.of("cluster.local", new PemSource(CA_PEM, null)), secret.validation().spiffe().trustDomains());
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> SecretTranslator.translate(
                Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(inline(CA_PEM))
                        .setCustomValidatorConfig(spiffe(SPIFFECertValidatorConfig.newBuilder()
                                .addTrustDomains(domain("cluster.local", inline(CA_PEM))).build()))).build(),
                FieldPath.ROOT));
        assertEquals("validation_context.trusted_ca: not used with the SPIFFE validator: give each trust domain's "
                + "CAs in custom_validator_config", e.getMessage());
    }

    @Test
    void eachMistakeIsNamedByItsField() {
        SPIFFECertValidatorConfig one = SPIFFECertValidatorConfig.newBuilder()
                .addTrustDomains(domain("cluster.local", inline(CA_PEM))).build();
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(
                spiffe(one).toBuilder().setName("envoy.tls.cert_validator.default")).build(),
                VC + "custom_validator_config.name: envoy.tls.cert_validator.default is not supported "
                        + "(only envoy.tls.cert_validator.spiffe)");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(
                TypedExtensionConfig.newBuilder().setName("envoy.tls.cert_validator.spiffe")
                        .setTypedConfig(Any.pack(StringMatcher.getDefaultInstance()))).build(),
                VC + "custom_validator_config.typed_config: expected "
                        + "envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig, got envoy.type.matcher.v3.StringMatcher");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(
                spiffe(SPIFFECertValidatorConfig.getDefaultInstance())).build(),
                VC + "custom_validator_config.typed_config: needs trust_domains (a bundle per trust domain) or "
                        + "trust_bundles (a SPIFFE bundle map)");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(spiffe(one.toBuilder()
                .addTrustDomains(domain("cluster.local", inline(CA_PEM))).build())).build(),
                VC + "custom_validator_config.typed_config.trust_domains[1].name: trust domain cluster.local is given twice");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(spiffe(
                SPIFFECertValidatorConfig.newBuilder().addTrustDomains(domain("spiffe://cluster.local", inline(CA_PEM)))
                        .build())).build(),
                VC + "custom_validator_config.typed_config.trust_domains[0].name: ");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(spiffe(
                SPIFFECertValidatorConfig.newBuilder().addTrustDomains(SPIFFECertValidatorConfig.TrustDomain.newBuilder()
                        .setName("cluster.local")).build())).build(),
                VC + "custom_validator_config.typed_config.trust_domains[0].trust_bundle: required: the CA certificates "
                        + "of trust domain cluster.local");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(spiffe(
                SPIFFECertValidatorConfig.newBuilder().addTrustDomains(domain("cluster.local", inline("not PEM")))
                        .build())).build(),
                VC + "custom_validator_config.typed_config.trust_domains[0].trust_bundle: ");
        assertRejected(CertificateValidationContext.newBuilder().setCustomValidatorConfig(spiffe(
                SPIFFECertValidatorConfig.newBuilder().setTrustBundles(inline("{\"trust_domains\": {}}")).build())).build(),
                VC + "custom_validator_config.typed_config.trust_bundles: no trust domains");
        assertRejected(CertificateValidationContext.newBuilder().setTrustedCa(inline(CA_PEM))
                .setCustomValidatorConfig(spiffe(one)).build(),
                VC + "trusted_ca: not used with the SPIFFE validator: give each trust domain's CAs in custom_validator_config");
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> TlsContextTranslator.upstream(
                TransportSocket.newBuilder().setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(
                        CommonTlsContext.newBuilder().setCombinedValidationContext(
                                CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                                        .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                                .setCustomValidatorConfig(spiffe(one)))
                                        .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA")
                                                .setSdsConfig(ConfigSource.newBuilder().setAds(
                                                        AggregatedConfigSource.getDefaultInstance()))))).build())).build(), AT));
        assertEquals("transport_socket.typed_config.common_tls_context.combined_validation_context."
                + "default_validation_context.custom_validator_config: the trust comes from the SDS secret here: put the "
                + "SPIFFE validator in the secret's validation_context", e.getMessage());
    }

    private static void assertRejected(CertificateValidationContext v, String messageStart) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> upstream(v));
        if (!e.getMessage().startsWith(messageStart)) {
            assertEquals(messageStart, e.getMessage());
        }
    }
}
