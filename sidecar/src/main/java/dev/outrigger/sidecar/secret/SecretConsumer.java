package dev.outrigger.sidecar.secret;

/**
 * Receives the secrets SDS delivers. The TLS layer implements it to rebuild its contexts;
 * until then secrets are only held and shown in {@code /config_dump}.
 */
public interface SecretConsumer {

    /** A consumer that keeps nothing. */
    SecretConsumer NONE = new SecretConsumer() {
        @Override
        public void onSecret(SecretConfig secret) {
        }

        @Override
        public void onSecretRemoved(String name) {
        }
    };

    /** {@code secret} arrived or changed. */
    void onSecret(SecretConfig secret);

    /** The secret named {@code name} was removed or does not exist. */
    void onSecretRemoved(String name);
}
