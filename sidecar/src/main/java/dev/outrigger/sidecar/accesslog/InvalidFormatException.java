package dev.outrigger.sidecar.accesslog;

/**
 * A log format Outrigger cannot compile: an unknown command operator, a malformed one, a
 * time specifier it does not support. The config translator adds the field path.
 */
public final class InvalidFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Rejects a format for {@code reason}, a sentence an operator reads. */
    public InvalidFormatException(String reason) {
        super(reason, null, false, false);
    }
}
