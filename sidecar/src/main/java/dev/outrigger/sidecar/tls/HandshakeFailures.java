package dev.outrigger.sidecar.tls;

/** Says why a TLS handshake failed in the words that matter: the innermost message, the trust manager's reason. */
public final class HandshakeFailures {

    private HandshakeFailures() {
    }

    /** The most specific message in {@code cause}'s chain, not the wrapper's. */
    public static String reason(Throwable cause) {
        String message = String.valueOf(cause);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
