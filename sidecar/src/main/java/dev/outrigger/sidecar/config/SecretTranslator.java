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
            return new SecretConfig(secret.getName(), new SecretConfig.TlsCertificate(
                    pem(cert.getCertificateChain(), at.field("certificate_chain")),
                    pem(cert.getPrivateKey(), at.field("private_key"))), null);
        }
        if (secret.hasValidationContext()) {
            FieldPath at = path.field("validation_context");
            CertificateValidationContext validation = secret.getValidationContext();
            FieldCheck.only(validation, at, "trusted_ca");
            if (!validation.hasTrustedCa()) {
                throw at.field("trusted_ca").invalid("required");
            }
            return new SecretConfig(secret.getName(), null,
                    new SecretConfig.ValidationContext(pem(validation.getTrustedCa(), at.field("trusted_ca"))));
        }
        throw path.invalid("needs tls_certificate or validation_context");
    }

    private static PemSource pem(DataSource source, FieldPath path) throws ResourceInvalidException {
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
