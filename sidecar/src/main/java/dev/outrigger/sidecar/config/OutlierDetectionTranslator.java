package dev.outrigger.sidecar.config;

import com.google.protobuf.UInt32Value;
import dev.outrigger.sidecar.outlier.OutlierDetectionConfig;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.time.Duration;

/**
 * Translates Envoy's {@code Cluster.outlier_detection} into an {@link OutlierDetectionConfig};
 * unset fields take Envoy's defaults. Jitter, the health-check uneject switch, the monitor
 * extensions and {@code always_eject_one_host} are refused by name.
 */
final class OutlierDetectionTranslator {

    private OutlierDetectionTranslator() {
    }

    /** The outlier detection of {@code cluster} at {@code clusterPath}, or null when it has none. */
    static OutlierDetectionConfig translate(Cluster cluster, FieldPath clusterPath) throws ResourceInvalidException {
        if (!cluster.hasOutlierDetection()) {
            return null;
        }
        FieldPath path = clusterPath.field("outlier_detection");
        OutlierDetection od = cluster.getOutlierDetection();
        FieldCheck.only(od, path, "consecutive_5xx", "consecutive_gateway_failure", "consecutive_local_origin_failure",
                "split_external_local_origin_errors", "interval", "base_ejection_time", "max_ejection_time",
                "max_ejection_percent", "enforcing_consecutive_5xx", "enforcing_consecutive_gateway_failure",
                "enforcing_consecutive_local_origin_failure", "success_rate_minimum_hosts",
                "success_rate_request_volume", "success_rate_stdev_factor", "enforcing_success_rate",
                "enforcing_local_origin_success_rate", "failure_percentage_threshold", "enforcing_failure_percentage",
                "enforcing_failure_percentage_local_origin", "failure_percentage_minimum_hosts",
                "failure_percentage_request_volume");
        OutlierDetectionConfig d = OutlierDetectionConfig.DEFAULTS;
        Duration interval = od.hasInterval()
                ? ConfigValues.positive(od.getInterval(), path.field("interval")) : d.interval();
        Duration base = od.hasBaseEjectionTime()
                ? ConfigValues.positive(od.getBaseEjectionTime(), path.field("base_ejection_time"))
                : d.baseEjectionTime();
        Duration max = d.maxEjectionTime();
        if (od.hasMaxEjectionTime()) {
            max = ConfigValues.positive(od.getMaxEjectionTime(), path.field("max_ejection_time"));
            if (max.compareTo(base) < 0) {
                throw path.field("max_ejection_time").invalid("must not be less than base_ejection_time ("
                        + ConfigValues.format(base) + ")");
            }
        }
        return new OutlierDetectionConfig(
                count(od.hasConsecutive5Xx(), od.getConsecutive5Xx(), d.consecutive5xx()),
                count(od.hasConsecutiveGatewayFailure(), od.getConsecutiveGatewayFailure(),
                        d.consecutiveGatewayFailure()),
                count(od.hasConsecutiveLocalOriginFailure(), od.getConsecutiveLocalOriginFailure(),
                        d.consecutiveLocalOriginFailure()),
                od.getSplitExternalLocalOriginErrors(),
                interval, base, max,
                percent(od.hasMaxEjectionPercent(), od.getMaxEjectionPercent(), d.maxEjectionPercent(),
                        path.field("max_ejection_percent")),
                percent(od.hasEnforcingConsecutive5Xx(), od.getEnforcingConsecutive5Xx(),
                        d.enforcingConsecutive5xx(), path.field("enforcing_consecutive_5xx")),
                percent(od.hasEnforcingConsecutiveGatewayFailure(), od.getEnforcingConsecutiveGatewayFailure(),
                        d.enforcingConsecutiveGatewayFailure(), path.field("enforcing_consecutive_gateway_failure")),
                percent(od.hasEnforcingConsecutiveLocalOriginFailure(), od.getEnforcingConsecutiveLocalOriginFailure(),
                        d.enforcingConsecutiveLocalOriginFailure(),
                        path.field("enforcing_consecutive_local_origin_failure")),
                count(od.hasSuccessRateMinimumHosts(), od.getSuccessRateMinimumHosts(), d.successRateMinimumHosts()),
                count(od.hasSuccessRateRequestVolume(), od.getSuccessRateRequestVolume(),
                        d.successRateRequestVolume()),
                count(od.hasSuccessRateStdevFactor(), od.getSuccessRateStdevFactor(), d.successRateStdevFactor()),
                percent(od.hasEnforcingSuccessRate(), od.getEnforcingSuccessRate(), d.enforcingSuccessRate(),
                        path.field("enforcing_success_rate")),
                percent(od.hasEnforcingLocalOriginSuccessRate(), od.getEnforcingLocalOriginSuccessRate(),
                        d.enforcingLocalOriginSuccessRate(), path.field("enforcing_local_origin_success_rate")),
                percent(od.hasFailurePercentageThreshold(), od.getFailurePercentageThreshold(),
                        d.failurePercentageThreshold(), path.field("failure_percentage_threshold")),
                percent(od.hasEnforcingFailurePercentage(), od.getEnforcingFailurePercentage(),
                        d.enforcingFailurePercentage(), path.field("enforcing_failure_percentage")),
                percent(od.hasEnforcingFailurePercentageLocalOrigin(), od.getEnforcingFailurePercentageLocalOrigin(),
                        d.enforcingFailurePercentageLocalOrigin(),
                        path.field("enforcing_failure_percentage_local_origin")),
                count(od.hasFailurePercentageMinimumHosts(), od.getFailurePercentageMinimumHosts(),
                        d.failurePercentageMinimumHosts()),
                count(od.hasFailurePercentageRequestVolume(), od.getFailurePercentageRequestVolume(),
                        d.failurePercentageRequestVolume()));
    }

    private static int count(boolean set, UInt32Value value, int defaultValue) {
        return set ? ConfigValues.count(value) : defaultValue;
    }

    private static int percent(boolean set, UInt32Value value, int defaultValue, FieldPath path)
            throws ResourceInvalidException {
        if (!set) {
            return defaultValue;
        }
        int p = ConfigValues.count(value);
        if (p > 100) {
            throw path.invalid("must be a percentage from 0 to 100, got " + Integer.toUnsignedString(value.getValue()));
        }
        return p;
    }
}
