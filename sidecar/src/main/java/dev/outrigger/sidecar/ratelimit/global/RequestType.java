package dev.outrigger.sidecar.ratelimit.global;

/**
 * Which requests a global rate limit filter applies to ({@code request_type}). A request is internal
 * when it carries {@code x-envoy-internal: true}.
 */
public enum RequestType {
    /** Every request (the default). */
    BOTH,
    /** Only internal requests. */
    INTERNAL,
    /** Only requests that are not internal. */
    EXTERNAL;

    /** True when the filter applies to a request that is {@code internal} or not. */
    public boolean appliesTo(boolean internal) {
        return switch (this) {
            case BOTH -> true;
            case INTERNAL -> internal;
            case EXTERNAL -> !internal;
        };
    }
}
