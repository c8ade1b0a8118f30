package dev.outrigger.sidecar.outlier;

/** Why outlier detection ejected an endpoint; {@link #tag()} is the metrics {@code reason}. */
public enum EjectionType {
    /** {@code consecutive_5xx} 5xx responses in a row. */
    CONSECUTIVE_5XX("consecutive_5xx"),
    /** {@code consecutive_gateway_failure} 502/503/504 (or connect failures, resets, timeouts) in a row. */
    CONSECUTIVE_GATEWAY_FAILURE("consecutive_gateway_failure"),
    /** {@code consecutive_local_origin_failure} locally originated failures in a row (split mode). */
    CONSECUTIVE_LOCAL_ORIGIN_FAILURE("consecutive_local_origin_failure"),
    /** Success rate below the cluster's mean minus the scaled standard deviation. */
    SUCCESS_RATE("success_rate"),
    /** Local-origin success rate below the cluster's threshold (split mode). */
    SUCCESS_RATE_LOCAL_ORIGIN("success_rate_local_origin"),
    /** Failure percentage at or above {@code failure_percentage_threshold}. */
    FAILURE_PERCENTAGE("failure_percentage"),
    /** Local-origin failure percentage at or above the threshold (split mode). */
    FAILURE_PERCENTAGE_LOCAL_ORIGIN("failure_percentage_local_origin");

    private final String tag;

    EjectionType(String tag) {
        this.tag = tag;
    }

    /** The metrics tag value and log word. */
    public String tag() {
        return tag;
    }

    /** The enforcement percentage {@code config} gives this type. */
    int enforcing(OutlierDetectionConfig config) {
        switch (this) {
            case CONSECUTIVE_5XX:
                return config.enforcingConsecutive5xx();
            case CONSECUTIVE_GATEWAY_FAILURE:
                return config.enforcingConsecutiveGatewayFailure();
            case CONSECUTIVE_LOCAL_ORIGIN_FAILURE:
                return config.enforcingConsecutiveLocalOriginFailure();
            case SUCCESS_RATE:
                return config.enforcingSuccessRate();
            case SUCCESS_RATE_LOCAL_ORIGIN:
                return config.enforcingLocalOriginSuccessRate();
            case FAILURE_PERCENTAGE:
                return config.enforcingFailurePercentage();
            default:
                return config.enforcingFailurePercentageLocalOrigin();
        }
    }
}
