package dev.outrigger.mtls;

/** Told by a {@link FileCredentialSource} when its files change; called on the source's thread, one call at a time. */
public interface CredentialListener {

    /** The files changed and hold valid credentials, now in force. */
    void onCredentials(CredentialSnapshot snapshot);

    /**
     * The files changed and stayed unusable for a whole poll interval; the last good credentials
     * stay in force. Called once per distinct bad content.
     */
    void onError(CredentialException error);
}
