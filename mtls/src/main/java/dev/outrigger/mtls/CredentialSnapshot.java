package dev.outrigger.mtls;

/**
 * One consistent set of a workload's credentials, as published by a {@link FileCredentialSource}.
 *
 * @param identity    the workload's key and certificate chain, valid when loaded
 * @param trustBundle the CAs to check peers against; null when no bundle file is configured
 */
public record CredentialSnapshot(CertifiedKey identity, TrustBundle trustBundle) {

    /** Checks that the identity is present. */
    public CredentialSnapshot {
        if (identity == null) {
            throw new IllegalArgumentException("a credential snapshot needs an identity");
        }
    }
}
