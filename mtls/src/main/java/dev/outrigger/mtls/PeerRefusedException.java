package dev.outrigger.mtls;

import java.security.cert.CertificateException;

/**
 * A peer's certificate refused by a {@link SpiffeTrustManager}; the message is the reason
 * ("certificate expired at ...", "SPIFFE ID ... is not allowed (expected ...)", ...) and
 * {@link #kind()} its category, for counting refusals.
 */
public final class PeerRefusedException extends CertificateException {

    private static final long serialVersionUID = 1L;

    /** Why a peer was refused, coarsely. */
    public enum Kind {
        /** The peer sent no certificate. */
        NO_CERTIFICATE,
        /** The leaf has expired. */
        EXPIRED,
        /** The leaf is not valid yet. */
        NOT_YET_VALID,
        /** The chain does not lead to a CA of the trust bundle. */
        UNKNOWN_CA,
        /** The chain is otherwise unusable: a CA as leaf, wrong key usage, an expired CA, ... */
        BAD_CERTIFICATE,
        /** The leaf has no SPIFFE ID. */
        NO_SPIFFE_ID,
        /** The SPIFFE ID is not among the allowed peers. */
        NOT_ALLOWED
    }

    private final Kind kind;

    /** A refusal of {@code kind} for {@code reason}. */
    public PeerRefusedException(Kind kind, String reason) {
        this(kind, reason, null);
    }

    /** A refusal of {@code kind} for {@code reason}, found by {@code cause} (a PKIX validation failure). */
    public PeerRefusedException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    /** The refusal's category. */
    public Kind kind() {
        return kind;
    }
}
