package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** SDS secrets through the resource type the xDS client uses. */
class SecretTranslatorTest {

    private final XdsTypes types = new XdsTypes(new RouteRegistry());
    private static final dev.outrigger.mtls.CertificateAuthority CA = dev.outrigger.mtls.CertificateAuthority
            .createRoot("td", dev.outrigger.mtls.KeyType.EC, java.time.Duration.ofDays(1), java.time.Clock.systemUTC());
    private static final dev.outrigger.mtls.CertifiedKey LEAF = CA.issue(
            dev.outrigger.mtls.SpiffeId.parse("spiffe://td/a"), java.time.Duration.ofHours(1));
    private static final String CHAIN = dev.outrigger.mtls.Pem.writeCertificates(LEAF.chain());
    private static final String KEY = dev.outrigger.mtls.Pem.writePrivateKey(LEAF.key());

    @Test
    void aCertificateAndKey() throws Exception {
        Secret s = Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineString(CHAIN))
                .setPrivateKey(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(KEY)))).build();
        assertEquals("default", types.secrets.name(s));
        SecretConfig c = types.secrets.parse(s);
        assertEquals(CHAIN, c.certificate().chain().inline());
        assertEquals(KEY, c.certificate().privateKey().inline());
        assertNull(c.validation());
        assertFalse(c.toString().contains(KEY.lines().skip(1).findFirst().orElseThrow()), "the key is never printed: " + c);
    }

    @Test
    void brokenInlinePemIsRefusedWhenItArrives() {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(
                Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setInlineString("-----BEGIN CERTIFICATE-----"))
                        .setPrivateKey(DataSource.newBuilder().setInlineString(KEY))).build()));
        assertTrue(e.getMessage().startsWith("tls_certificate: certificate_chain: "), e.getMessage());
        e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(Secret.newBuilder()
                .setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineString("not pem"))).build()));
        assertTrue(e.getMessage().startsWith("validation_context.trusted_ca: "), e.getMessage());
        String otherKey = dev.outrigger.mtls.Pem.writePrivateKey(CA.issue(
                dev.outrigger.mtls.SpiffeId.parse("spiffe://td/b"), java.time.Duration.ofHours(1)).key());
        e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(
                Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setInlineString(CHAIN))
                        .setPrivateKey(DataSource.newBuilder().setInlineString(otherKey))).build()));
        assertTrue(e.getMessage().startsWith("tls_certificate: ") && e.getMessage().contains("does not match"),
                e.getMessage());
    }

    @Test
    void aTrustBundleFromAFile() throws Exception {
        SecretConfig c = types.secrets.parse(Secret.newBuilder().setName("ROOTCA").setValidationContext(
                CertificateValidationContext.newBuilder().setTrustedCa(
                        DataSource.newBuilder().setFilename("/etc/certs/root.pem"))).build());
        assertEquals(Path.of("/etc/certs/root.pem"), c.validation().trustedCa().file());
    }

    @Test
    void whatCannotBeUsedIsNamed() {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(
                Secret.newBuilder().setName("x").setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineString(CHAIN))
                        .setOnlyVerifyLeafCertCrl(true)).build()));
        assertEquals("validation_context.only_verify_leaf_cert_crl: field is not supported by Outrigger "
                + "(supported here: custom_validator_config, trusted_ca)", e.getMessage());
        e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(Secret.newBuilder()
                .setName("x").setTlsCertificate(TlsCertificate.newBuilder().setCertificateChain(
                        DataSource.newBuilder().setInlineString("C"))).build()));
        assertEquals("tls_certificate.private_key: required", e.getMessage());
        e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(Secret.newBuilder()
                .setName("x").setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setInlineString("C"))
                        .setPrivateKey(DataSource.newBuilder().setInlineBytes(
                                ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe})))).build()));
        assertEquals("tls_certificate.private_key.inline_bytes: PEM must be text (UTF-8)", e.getMessage());
        e = assertThrows(ResourceInvalidException.class, () -> types.secrets.parse(Secret.newBuilder()
                .setName("x").build()));
        assertEquals("needs tls_certificate or validation_context", e.getMessage());
    }
}
