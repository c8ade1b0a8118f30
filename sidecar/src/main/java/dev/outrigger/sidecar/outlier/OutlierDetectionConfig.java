package dev.outrigger.sidecar.outlier;

import java.time.Duration;
import java.util.Objects;

/**
 * A cluster's passive outlier detection, as Envoy's {@code Cluster.outlier_detection} configures
 * it. Immutable; {@link #DEFAULTS} holds Envoy's defaults. Percentages are 0..100; a consecutive
 * threshold of 0 never trips.
 *
 * @param consecutive5xx consecutive 5xx (and, unless split, locally originated failures) before an ejection
 * @param consecutiveGatewayFailure consecutive 502/503/504 (and, unless split, connect failures,
 *     resets and timeouts) before an ejection
 * @param consecutiveLocalOriginFailure consecutive locally originated failures before an ejection (split mode only)
 * @param splitExternalLocalOriginErrors whether locally originated failures are counted apart from HTTP responses
 * @param interval how often success rate and failure percentage are evaluated and ejections end
 * @param baseEjectionTime ejection time per time an endpoint was ejected lately
 * @param maxEjectionTime the longest ejection (the larger of this and {@code baseEjectionTime})
 * @param maxEjectionPercent the share of the cluster's endpoints that may be ejected (at least one always may)
 * @param enforcingConsecutive5xx chance in percent that a detected consecutive-5xx outlier is ejected
 * @param enforcingConsecutiveGatewayFailure chance in percent for a consecutive gateway failure outlier
 * @param enforcingConsecutiveLocalOriginFailure chance in percent for a consecutive local origin failure outlier
 * @param successRateMinimumHosts endpoints with enough requests needed for success-rate detection
 * @param successRateRequestVolume requests in an interval an endpoint needs to take part in success-rate detection
 * @param successRateStdevFactor the ejection threshold is mean − stdev × this / 1000
 * @param enforcingSuccessRate chance in percent for a success-rate outlier
 * @param enforcingLocalOriginSuccessRate chance in percent for a local-origin success-rate outlier (split mode)
 * @param failurePercentageThreshold failure percentage at or above which an endpoint is an outlier
 * @param enforcingFailurePercentage chance in percent for a failure-percentage outlier
 * @param enforcingFailurePercentageLocalOrigin chance in percent for a local-origin failure-percentage outlier
 * @param failurePercentageMinimumHosts endpoints with enough requests needed for failure-percentage detection
 * @param failurePercentageRequestVolume requests in an interval an endpoint needs for failure-percentage detection
 */
public record OutlierDetectionConfig(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        int consecutiveLocalOriginFailure,
        boolean splitExternalLocalOriginErrors,
        Duration interval,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectionPercent,
        int enforcingConsecutive5xx,
        int enforcingConsecutiveGatewayFailure,
        int enforcingConsecutiveLocalOriginFailure,
        int successRateMinimumHosts,
        int successRateRequestVolume,
        int successRateStdevFactor,
        int enforcingSuccessRate,
        int enforcingLocalOriginSuccessRate,
        int failurePercentageThreshold,
        int enforcingFailurePercentage,
        int enforcingFailurePercentageLocalOrigin,
        int failurePercentageMinimumHosts,
        int failurePercentageRequestVolume) {

    /** Envoy's defaults (note: consecutive gateway failures and failure percentage are detected but not enforced). */
    public static final OutlierDetectionConfig DEFAULTS = new OutlierDetectionConfig(5, 5, 5, false,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 10, 100, 0, 100,
            5, 100, 1900, 100, 100, 85, 0, 0, 5, 50);

    public OutlierDetectionConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    }

    /** The longest an ejection lasts: {@code max_ejection_time}, or {@code base_ejection_time} if larger. */
    public Duration ejectionCap() {
        return maxEjectionTime.compareTo(baseEjectionTime) >= 0 ? maxEjectionTime : baseEjectionTime;
    }
}
