package dev.outrigger.sidecar.ratelimit.global;

/**
 * A global rate limit call that produced no decision: the backend failed, refused the call, sent
 * an answer that does not make sense, or did not answer in time. The message names the backend
 * and what happened; the filter applies its failure mode ({@code failure_mode_deny}).
 */
public final class GlobalRateLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean timeout;

    /** A failure; {@code timeout} when the backend did not answer within the call's deadline. */
    public GlobalRateLimitException(String message, boolean timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** A failure that is not a timeout. */
    public GlobalRateLimitException(String message) {
        this(message, false, null);
    }

    /** True when the backend did not answer within the call's deadline. */
    public boolean isTimeout() {
        return timeout;
    }
}
