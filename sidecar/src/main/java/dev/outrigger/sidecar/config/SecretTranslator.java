package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Translates Envoy's {@code Secret}: a {@code tls_certificate} (chain and key) or a
 * {@code validation_context} (trusted CA), each given inline or as a file name. The PEM content is
 * checked when a TLS context is built from it, not here.
 */
final class SecretTranslator {

    private SecretTranslator() {
    }

    static SecretConfig translate(Secret secret, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(secret, path, "name", "tls_certificate", "validation_context");
        if (secret.getName().isEmpty()) {
            throw path.field("name").invalid("required");
        }
        if (secret.hasTlsCertificate()) {
            FieldPath at = path.field("tls_certificate");
            TlsCertificate cert = secret.getTlsCertificate();
            FieldCheck.only(cert, at, "certificate_chain", "private_key");
            if (!cert.hasCertificateChain()) {
                throw at.field("certificate_chain").invalid("required");
            }
            if (!cert.hasPrivateKey()) {
                throw at.field("private_key").invalid("required");
            }
            PemSource chain = pem(cert.getCertificateChain(), at.field("certificate_chain"));
            PemSource key = pem(cert.getPrivateKey(), at.field("private_key"));
            checkInline(chain, key, at);
            return new SecretConfig(secret.getName(), new SecretConfig.TlsCertificate(chain, key), null);
        }
        if (secret.hasValidationContext()) {
            FieldPath at = path.field("validation_context");
            CertificateValidationContext validation = secret.getValidationContext();
            FieldCheck.only(validation, at, "trusted_ca", "custom_validator_config");
            if (validation.hasCustomValidatorConfig()) {
                if (validation.hasTrustedCa()) {
                    throw at.field("trusted_ca").invalid("not used with the SPIFFE validator: give each trust domain's "
                            + "CAs in custom_validator_config");
                }
                return new SecretConfig(secret.getName(), null, new SecretConfig.ValidationContext(null,
                        SpiffeValidatorTranslator.translate(validation.getCustomValidatorConfig(),
                                at.field("custom_validator_config"))));
            }
            if (!validation.hasTrustedCa()) {
                throw at.field("trusted_ca").invalid("required (or custom_validator_config with the SPIFFE validator)");
            }
            PemSource ca = pem(validation.getTrustedCa(), at.field("trusted_ca"));
            if (ca.inline() != null) {
                try {
                    dev.outrigger.mtls.TrustBundle.parse(ca.inline(), "trusted_ca");
                } catch (dev.outrigger.mtls.CredentialException e) {
                    throw at.field("trusted_ca").invalid(e.problem());
                }
            }
            return new SecretConfig(secret.getName(), null, new SecretConfig.ValidationContext(ca));
        }
        throw path.invalid("needs tls_certificate or validation_context");
    }

    // Inline PEM is checked when it arrives, so a broken secret is NACKed by name instead of
    // failing later when its TLS context is built (files may change, and are checked then).
    private static void checkInline(PemSource chain, PemSource key, FieldPath at) throws ResourceInvalidException {
        if (chain.inline() == null || key.inline() == null) {
            return;
        }
        try {
            dev.outrigger.mtls.CertifiedKey.of(dev.outrigger.mtls.Pem.parsePrivateKey(key.inline(), "private_key"),
                    dev.outrigger.mtls.Pem.parseCertificates(chain.inline(), "certificate_chain"), "tls_certificate");
        } catch (dev.outrigger.mtls.CredentialException e) {
            throw at.invalid(e.getMessage());
        }
    }

    /** A {@code DataSource} holding PEM (or other text): a file name, or inline text. */
    static PemSource pem(DataSource source, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(source, path, "filename", "inline_string", "inline_bytes");
        switch (source.getSpecifierCase()) {
            case FILENAME -> {
                try {
                    return new PemSource(null, Path.of(source.getFilename()));
                } catch (InvalidPathException e) {
                    throw path.field("filename").invalid("not a file name: " + e.getReason());
                }
            }
            case INLINE_STRING -> {
                return new PemSource(source.getInlineString(), null);
            }
            case INLINE_BYTES -> {
                try {
                    return new PemSource(StandardCharsets.UTF_8.newDecoder()
                            .decode(source.getInlineBytes().asReadOnlyByteBuffer()).toString(), null);
                } catch (CharacterCodingException e) {
                    throw path.field("inline_bytes").invalid("PEM must be text (UTF-8)");
                }
            }
            default -> throw path.invalid("required: filename, inline_string or inline_bytes");
        }
    }
}
