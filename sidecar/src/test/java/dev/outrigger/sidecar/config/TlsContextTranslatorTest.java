package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.outrigger.sidecar.tls.CredentialRef;
import dev.outrigger.sidecar.tls.SanMatcher;
import dev.outrigger.sidecar.tls.TlsSettings;
import dev.outrigger.sidecar.tls.TrustRef;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsContextTranslatorTest {

    private static final FieldPath AT = FieldPath.ROOT.field("transport_socket");

    private static TransportSocket socket(com.google.protobuf.Message ctx) {
        return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(ctx))
                .build();
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())).build();
    }

    private static SubjectAltNameMatcher uri(StringMatcher m) {
        return SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI).setMatcher(m).build();
    }

    @Test
    void istioShapedInboundContext() throws Exception {
        CommonTlsContext common = CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds("default"))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                .addMatchTypedSubjectAltNames(uri(StringMatcher.newBuilder()
                                        .setPrefix("spiffe://cluster.local/").build())))
                        .setValidationContextSdsSecretConfig(sds("ROOTCA")))
                .addAlpnProtocols("h2").addAlpnProtocols("http/1.1")
                .build();
        TlsSettings s = TlsContextTranslator.downstream(socket(DownstreamTlsContext.newBuilder()
                .setCommonTlsContext(common).setRequireClientCertificate(BoolValue.of(true)).build()), AT);
        assertEquals(new CredentialRef.Sds("default"), s.certificate());
        assertEquals(new TrustRef.Sds("ROOTCA"), s.trust());
        assertEquals(List.of(new SanMatcher(SanMatcher.Kind.PREFIX, "spiffe://cluster.local/")), s.peerSans());
        assertTrue(s.requireClientCertificate());
        assertEquals(List.of("h2", "http/1.1"), s.alpn());
        assertEquals(List.of("default", "ROOTCA"), s.sdsNames());
        assertEquals("TLSv1.2", s.minVersion());
        assertEquals("TLSv1.3", s.maxVersion());
    }

    @Test
    void filesForAnUpstreamWithSniAndExactSpiffeId() throws Exception {
        CommonTlsContext common = CommonTlsContext.newBuilder()
                .addTlsCertificates(TlsCertificate.newBuilder()
                        .setCertificateChain(DataSource.newBuilder().setFilename("/etc/certs/cert.pem"))
                        .setPrivateKey(DataSource.newBuilder().setFilename("/etc/certs/key.pem")))
                .setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setFilename("/etc/certs/ca.pem"))
                        .addMatchTypedSubjectAltNames(uri(StringMatcher.newBuilder()
                                .setExact("spiffe://cluster.local/ns/shop/sa/cart").build())))
                .setTlsParams(TlsParameters.newBuilder()
                        .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
                .build();
        TlsSettings s = TlsContextTranslator.upstream(socket(UpstreamTlsContext.newBuilder()
                .setCommonTlsContext(common).setSni("cart.shop").build()), AT);
        assertEquals(new CredentialRef.Files(Path.of("/etc/certs/cert.pem"), Path.of("/etc/certs/key.pem")),
                s.certificate());
        assertEquals(new TrustRef.File(Path.of("/etc/certs/ca.pem")), s.trust());
        assertEquals("cart.shop", s.sni());
        assertEquals("TLSv1.3", s.minVersion());
        assertEquals(List.of(new SanMatcher(SanMatcher.Kind.EXACT, "spiffe://cluster.local/ns/shop/sa/cart")),
                s.peerSans());
    }

    @Test
    void whatCannotBeUsedIsNamed() {
        assertRejected(TlsContextTranslator::downstream, DownstreamTlsContext.getDefaultInstance(),
                "transport_socket.typed_config.common_tls_context: a listener needs its certificate: "
                        + "tls_certificates or tls_certificate_sds_secret_configs");
        assertRejected(TlsContextTranslator::downstream, DownstreamTlsContext.newBuilder()
                .setCommonTlsContext(CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(sds("d")))
                .setRequireClientCertificate(BoolValue.of(true)).build(),
                "transport_socket.typed_config.require_client_certificate: needs a validation context to check "
                        + "client certificates against");
        assertRejected(TlsContextTranslator::upstream, UpstreamTlsContext.getDefaultInstance(),
                "transport_socket.typed_config.common_tls_context: an upstream TLS context needs a validation "
                        + "context (validation_context, validation_context_sds_secret_config or "
                        + "combined_validation_context): Outrigger does not connect to peers it cannot verify");
        assertRejected(TlsContextTranslator::upstream, UpstreamTlsContext.newBuilder().setCommonTlsContext(
                CommonTlsContext.newBuilder().setValidationContextSdsSecretConfig(sds("ROOTCA"))
                        .setTlsParams(TlsParameters.newBuilder().setTlsMinimumProtocolVersion(
                                TlsParameters.TlsProtocol.TLSv1_0))).build(),
                "transport_socket.typed_config.common_tls_context.tls_params.tls_minimum_protocol_version: "
                        + "TLSv1_0 is not supported (TLSv1_2 or TLSv1_3: older versions are not safe)");
        assertRejected(TlsContextTranslator::upstream, UpstreamTlsContext.newBuilder().setCommonTlsContext(
                CommonTlsContext.newBuilder().setValidationContextSdsSecretConfig(sds("ROOTCA"))
                        .addAlpnProtocols("spdy/3")).build(),
                "transport_socket.typed_config.common_tls_context.alpn_protocols[0]: \"spdy/3\" is not supported "
                        + "(h2, http/1.1)");
        assertRejected(TlsContextTranslator::upstream, UpstreamTlsContext.newBuilder().setCommonTlsContext(
                CommonTlsContext.newBuilder().setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineString("CA"))
                        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                .setSanType(SubjectAltNameMatcher.SanType.DNS)
                                .setMatcher(StringMatcher.newBuilder().setExact("a"))))).build(),
                "transport_socket.typed_config.common_tls_context.validation_context.match_typed_subject_alt_names[0]"
                        + ".san_type: DNS is not supported (URI: the peer's SPIFFE ID)");
    }

    @FunctionalInterface
    private interface Translate {
        TlsSettings apply(TransportSocket socket, FieldPath path) throws ResourceInvalidException;
    }

    private static void assertRejected(Translate t, com.google.protobuf.Message ctx, String message) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> t.apply(socket(ctx), AT));
        assertEquals(message, e.getMessage());
    }
}
