package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.tls.CredentialRef;
import dev.outrigger.sidecar.tls.SanMatcher;
import dev.outrigger.sidecar.tls.TlsSettings;
import dev.outrigger.sidecar.tls.TrustRef;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates a {@code transport_socket} named {@code envoy.transport_sockets.tls}: a filter
 * chain's {@code DownstreamTlsContext} or a cluster's {@code UpstreamTlsContext}. One
 * certificate (files, inline, or SDS), a trust bundle (files, inline, or SDS; or a bundle per
 * trust domain with Envoy's SPIFFE validator) with URI SAN matchers for the peer's SPIFFE ID,
 * ALPN, and the TLS versions (1.2 and 1.3 only).
 */
final class TlsContextTranslator {

    /** The name Envoy gives the TLS transport socket. */
    static final String TLS = "envoy.transport_sockets.tls";
    private static final Set<String> ALPN = Set.of("h2", "http/1.1");

    private TlsContextTranslator() {
    }

    /** A filter chain's TLS: a certificate is required; a client certificate is asked for when a trust bundle is given. */
    static TlsSettings downstream(TransportSocket socket, FieldPath path) throws ResourceInvalidException {
        FieldPath at = checkSocket(socket, path);
        DownstreamTlsContext tls = ConfigValues.unpack(socket.getTypedConfig(), DownstreamTlsContext.class, at);
        FieldCheck.only(tls, at, "common_tls_context", "require_client_certificate");
        Common c = common(tls.getCommonTlsContext(), at.field("common_tls_context"));
        if (c.certificate == null) {
            throw at.field("common_tls_context").invalid(
                    "a listener needs its certificate: tls_certificates or tls_certificate_sds_secret_configs");
        }
        boolean require = tls.hasRequireClientCertificate() && tls.getRequireClientCertificate().getValue();
        if (require && c.trust == null) {
            throw at.field("require_client_certificate").invalid(
                    "needs a validation context to check client certificates against");
        }
        return new TlsSettings(c.certificate, c.trust, c.sans, require, c.alpn, "", c.min, c.max);
    }

    /** A cluster's TLS: a trust bundle is required (a mesh never talks TLS to an unverified peer). */
    static TlsSettings upstream(TransportSocket socket, FieldPath path) throws ResourceInvalidException {
        FieldPath at = checkSocket(socket, path);
        UpstreamTlsContext tls = ConfigValues.unpack(socket.getTypedConfig(), UpstreamTlsContext.class, at);
        FieldCheck.only(tls, at, "common_tls_context", "sni");
        Common c = common(tls.getCommonTlsContext(), at.field("common_tls_context"));
        if (c.trust == null) {
            throw at.field("common_tls_context").invalid("an upstream TLS context needs a validation context "
                    + "(validation_context, validation_context_sds_secret_config or combined_validation_context): "
                    + "Outrigger does not connect to peers it cannot verify");
        }
        return new TlsSettings(c.certificate, c.trust, c.sans, false, c.alpn, tls.getSni(), c.min, c.max);
    }

    private static FieldPath checkSocket(TransportSocket socket, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(socket, path, "name", "typed_config");
        if (!socket.hasTypedConfig()) {
            throw path.field("typed_config").invalid("required");
        }
        if (!socket.getName().isEmpty() && !socket.getName().equals(TLS)) {
            throw path.field("name").invalid(socket.getName() + " is not supported (only " + TLS + ")");
        }
        return path.field("typed_config");
    }

    /** What a {@code CommonTlsContext} says. */
    private static final class Common {
        CredentialRef certificate;
        TrustRef trust;
        List<SanMatcher> sans = List.of();
        List<String> alpn = List.of();
        String min = "TLSv1.2";
        String max = "TLSv1.3";
    }

    private static Common common(CommonTlsContext ctx, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(ctx, path, "tls_params", "tls_certificates", "tls_certificate_sds_secret_configs",
                "validation_context", "validation_context_sds_secret_config", "combined_validation_context",
                "alpn_protocols");
        Common c = new Common();
        if (ctx.hasTlsParams()) {
            versions(ctx.getTlsParams(), path.field("tls_params"), c);
        }
        int certs = ctx.getTlsCertificatesCount() + ctx.getTlsCertificateSdsSecretConfigsCount();
        if (certs > 1) {
            throw path.invalid("one certificate is supported (tls_certificates or tls_certificate_sds_secret_configs), "
                    + "got " + certs);
        }
        if (ctx.getTlsCertificatesCount() == 1) {
            c.certificate = certificate(ctx.getTlsCertificates(0), path.field("tls_certificates").index(0));
        } else if (ctx.getTlsCertificateSdsSecretConfigsCount() == 1) {
            c.certificate = new CredentialRef.Sds(sds(ctx.getTlsCertificateSdsSecretConfigs(0),
                    path.field("tls_certificate_sds_secret_configs").index(0)));
        }
        switch (ctx.getValidationContextTypeCase()) {
            case VALIDATION_CONTEXT -> {
                CertificateValidationContext v = ctx.getValidationContext();
                FieldPath at = path.field("validation_context");
                if (v.hasCustomValidatorConfig()) {
                    if (v.hasTrustedCa()) {
                        throw at.field("trusted_ca").invalid("not used with the SPIFFE validator: give each trust "
                                + "domain's CAs in custom_validator_config");
                    }
                    c.trust = new TrustRef.Spiffe(SpiffeValidatorTranslator.translate(v.getCustomValidatorConfig(),
                            at.field("custom_validator_config")));
                } else if (!v.hasTrustedCa()) {
                    throw at.field("trusted_ca").invalid("required: the CA certificates peers are checked against "
                            + "(or custom_validator_config with the SPIFFE validator)");
                } else {
                    c.trust = trust(v.getTrustedCa(), at.field("trusted_ca"));
                }
                c.sans = sans(v, at);
            }
            case VALIDATION_CONTEXT_SDS_SECRET_CONFIG -> c.trust = new TrustRef.Sds(sds(
                    ctx.getValidationContextSdsSecretConfig(), path.field("validation_context_sds_secret_config")));
            case COMBINED_VALIDATION_CONTEXT -> {
                FieldPath at = path.field("combined_validation_context");
                var combined = ctx.getCombinedValidationContext();
                FieldCheck.only(combined, at, "default_validation_context", "validation_context_sds_secret_config");
                if (!combined.hasValidationContextSdsSecretConfig()) {
                    throw at.field("validation_context_sds_secret_config").invalid("required");
                }
                c.trust = new TrustRef.Sds(sds(combined.getValidationContextSdsSecretConfig(),
                        at.field("validation_context_sds_secret_config")));
                CertificateValidationContext v = combined.getDefaultValidationContext();
                FieldPath dv = at.field("default_validation_context");
                if (v.hasTrustedCa()) {
                    throw dv.field("trusted_ca").invalid("the trust bundle comes from the SDS secret here");
                }
                if (v.hasCustomValidatorConfig()) {
                    throw dv.field("custom_validator_config").invalid("the trust comes from the SDS secret here: put "
                            + "the SPIFFE validator in the secret's validation_context");
                }
                c.sans = sans(v, dv);
            }
            default -> {
            }
        }
        List<String> alpn = new ArrayList<>();
        for (int i = 0; i < ctx.getAlpnProtocolsCount(); i++) {
            String p = ctx.getAlpnProtocols(i);
            if (!ALPN.contains(p)) {
                throw path.field("alpn_protocols").index(i).invalid("\"" + p + "\" is not supported (h2, http/1.1)");
            }
            alpn.add(p);
        }
        c.alpn = alpn;
        return c;
    }

    private static void versions(TlsParameters params, FieldPath path, Common c) throws ResourceInvalidException {
        FieldCheck.only(params, path, "tls_minimum_protocol_version", "tls_maximum_protocol_version");
        c.min = version(params.getTlsMinimumProtocolVersion(), path.field("tls_minimum_protocol_version"), "TLSv1.2");
        c.max = version(params.getTlsMaximumProtocolVersion(), path.field("tls_maximum_protocol_version"), "TLSv1.3");
        if (c.min.compareTo(c.max) > 0) {
            throw path.invalid("minimum " + c.min + " is above maximum " + c.max);
        }
    }

    private static String version(TlsParameters.TlsProtocol v, FieldPath path, String auto)
            throws ResourceInvalidException {
        return switch (v) {
            case TLS_AUTO -> auto;
            case TLSv1_2 -> "TLSv1.2";
            case TLSv1_3 -> "TLSv1.3";
            default -> throw path.invalid(ClusterTranslator.enumName(v, v.getNumber())
                    + " is not supported (TLSv1_2 or TLSv1_3: older versions are not safe)");
        };
    }

    private static CredentialRef certificate(TlsCertificate cert, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(cert, path, "certificate_chain", "private_key");
        if (!cert.hasCertificateChain()) {
            throw path.field("certificate_chain").invalid("required");
        }
        if (!cert.hasPrivateKey()) {
            throw path.field("private_key").invalid("required");
        }
        DataSource chain = cert.getCertificateChain();
        DataSource key = cert.getPrivateKey();
        if (chain.hasFilename() && key.hasFilename()) {
            return new CredentialRef.Files(file(chain.getFilename(), path.field("certificate_chain").field("filename")),
                    file(key.getFilename(), path.field("private_key").field("filename")));
        }
        if (chain.hasFilename() || key.hasFilename()) {
            throw path.invalid("give both certificate_chain and private_key as filename, or both inline");
        }
        return new CredentialRef.Inline(inline(chain, path.field("certificate_chain")),
                inline(key, path.field("private_key")));
    }

    private static TrustRef trust(DataSource source, FieldPath path) throws ResourceInvalidException {
        if (source.hasFilename()) {
            return new TrustRef.File(file(source.getFilename(), path.field("filename")));
        }
        return new TrustRef.Inline(inline(source, path));
    }

    private static Path file(String name, FieldPath path) throws ResourceInvalidException {
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw path.invalid("not a file name: " + e.getReason());
        }
    }

    private static String inline(DataSource source, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(source, path, "inline_string", "inline_bytes");
        return switch (source.getSpecifierCase()) {
            case INLINE_STRING -> source.getInlineString();
            case INLINE_BYTES -> source.getInlineBytes().toString(StandardCharsets.UTF_8);
            default -> throw path.invalid("required: filename, inline_string or inline_bytes");
        };
    }

    private static String sds(SdsSecretConfig config, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(config, path, "name", "sds_config");
        if (config.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        if (!config.hasSdsConfig()) {
            throw path.field("sds_config").invalid("required: ads: {} (secrets come over the ADS stream)");
        }
        ConfigSourceTranslator.requireAds(config.getSdsConfig(), path.field("sds_config"));
        return config.getName();
    }

    private static List<SanMatcher> sans(CertificateValidationContext v, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(v, path, "trusted_ca", "match_typed_subject_alt_names", "custom_validator_config");
        List<SanMatcher> out = new ArrayList<>();
        for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
            SubjectAltNameMatcher m = v.getMatchTypedSubjectAltNames(i);
            FieldPath at = path.field("match_typed_subject_alt_names").index(i);
            FieldCheck.only(m, at, "san_type", "matcher");
            if (m.getSanType() != SubjectAltNameMatcher.SanType.URI) {
                throw at.field("san_type").invalid(ClusterTranslator.enumName(m.getSanType(), m.getSanTypeValue())
                        + " is not supported (URI: the peer's SPIFFE ID)");
            }
            StringMatcher s = m.getMatcher();
            FieldPath sp = at.field("matcher");
            FieldCheck.only(s, sp, "exact", "prefix");
            out.add(switch (s.getMatchPatternCase()) {
                case EXACT -> new SanMatcher(SanMatcher.Kind.EXACT, s.getExact());
                case PREFIX -> new SanMatcher(SanMatcher.Kind.PREFIX, s.getPrefix());
                default -> throw sp.invalid("required: exact or prefix");
            });
        }
        return out;
    }
}
