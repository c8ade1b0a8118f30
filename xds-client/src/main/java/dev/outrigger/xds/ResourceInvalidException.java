package dev.outrigger.xds;

/**
 * A configuration value that Outrigger cannot accept: malformed, inconsistent, or asking for a
 * feature Outrigger does not implement. Its message, {@code path: reason}, is what an operator
 * sees in the CLI and what a control plane receives as NACK detail.
 */
public final class ResourceInvalidException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient FieldPath path;
    private final String reason;

    /** Rejects the value at {@code path} for {@code reason}. */
    public ResourceInvalidException(FieldPath path, String reason) {
        super(path.isRoot() ? reason : path + ": " + reason, null, false, false);
        this.path = path;
        this.reason = reason;
    }

    /** Where the bad value is. */
    public FieldPath path() {
        return path;
    }

    /** Why it is rejected, without the path. */
    public String reason() {
        return reason;
    }
}
