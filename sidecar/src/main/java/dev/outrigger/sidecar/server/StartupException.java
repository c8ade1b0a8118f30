package dev.outrigger.sidecar.server;

/** Start-up failed for a reason an operator can fix (a port in use, an unavailable transport); the message says which. */
public final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
