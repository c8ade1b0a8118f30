package dev.outrigger.sidecar.listener;

import java.util.Objects;

/**
 * What a connection manager does with {@code x-forwarded-client-cert} (XFCC), from Envoy's
 * {@code forward_client_cert_details} and {@code set_current_client_cert_details}: how the app
 * behind an inbound sidecar learns who called it.
 *
 * @param mode what to do with the header a client sent
 * @param uri whether this proxy's element carries the client's URI SAN ({@code URI=...})
 */
public record ForwardClientCert(Mode mode, boolean uri) {

    /** Envoy's default: drop whatever a client sent, add nothing. */
    public static final ForwardClientCert SANITIZE = new ForwardClientCert(Mode.SANITIZE, false);

    /** Envoy's {@code ForwardClientCertDetails}. */
    public enum Mode {
        /** Remove the header. */
        SANITIZE,
        /** Pass the client's header on unchanged when the connection is mutual TLS, else remove it. */
        FORWARD_ONLY,
        /** On mutual TLS, append this proxy's element to the client's header; else remove it. */
        APPEND_FORWARD,
        /** On mutual TLS, replace the client's header with this proxy's element; else remove it. */
        SANITIZE_SET,
        /** Pass the client's header on unchanged, always. */
        ALWAYS_FORWARD_ONLY
    }

    public ForwardClientCert {
        Objects.requireNonNull(mode, "mode");
    }
}
