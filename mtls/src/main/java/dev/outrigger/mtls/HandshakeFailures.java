package dev.outrigger.mtls;

/** Turns a failed TLS handshake's exception into the one-line reason to log for the connection. */
public final class HandshakeFailures {

    private HandshakeFailures() {
    }

    /**
     * The reason a handshake failed: a {@link SpiffeTrustManager}'s refusal when there is one in
     * the cause chain, "no client certificate" for the texts with which the JDK and BoringSSL
     * refuse a client that sent none (they decide that before any trust manager runs), else the
     * deepest message in the chain.
     */
    public static String reason(Throwable failure) {
        String deepest = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PeerRefusedException) {
                return t.getMessage();
            }
            String message = t.getMessage();
            if (message != null) {
                if (message.contains("Empty client certificate chain")
                        || message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
                    return "no client certificate";
                }
                deepest = message;
            }
        }
        return deepest == null ? failure.getClass().getName() : deepest;
    }
}
