package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.DEMO_CLUSTER;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.outlier.OutlierDetectionConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierDetectionTranslatorTest {

    private static final String OD = "static_resources.clusters[0].outlier_detection";

    private static String cluster(String outlier) {
        return withClusters(DEMO_CLUSTER + "  outlier_detection: " + outlier + "\n");
    }

    private static OutlierDetectionConfig translate(String outlier) throws Exception {
        return BootstrapTranslator.translate(parse(cluster(outlier))).snapshot().clusters().get("demo")
                .outlierDetection();
    }

    @Test
    void noneWithoutTheField() throws Exception {
        assertNull(BootstrapTranslator.translate(parse(withClusters(DEMO_CLUSTER))).snapshot().clusters().get("demo")
                .outlierDetection());
    }

    @Test
    void anEmptyMessageMeansEnvoyDefaults() throws Exception {
        OutlierDetectionConfig c = translate("{}");
        assertEquals(OutlierDetectionConfig.DEFAULTS, c);
        assertEquals(5, c.consecutive5xx());
        assertEquals(0, c.enforcingConsecutiveGatewayFailure());
        assertEquals(Duration.ofSeconds(10), c.interval());
        assertEquals(Duration.ofSeconds(300), c.maxEjectionTime());
        assertEquals(1900, c.successRateStdevFactor());
        assertEquals(0, c.enforcingFailurePercentage());
    }

    @Test
    void everyField() throws Exception {
        OutlierDetectionConfig c = translate("""
                { consecutive_5xx: 7, consecutive_gateway_failure: 3, consecutive_local_origin_failure: 4,
                  split_external_local_origin_errors: true, interval: 2s, base_ejection_time: 5s,
                  max_ejection_time: 60s, max_ejection_percent: 40, enforcing_consecutive_5xx: 90,
                  enforcing_consecutive_gateway_failure: 100, enforcing_consecutive_local_origin_failure: 80,
                  success_rate_minimum_hosts: 3, success_rate_request_volume: 20, success_rate_stdev_factor: 1000,
                  enforcing_success_rate: 70, enforcing_local_origin_success_rate: 60,
                  failure_percentage_threshold: 50, enforcing_failure_percentage: 100,
                  enforcing_failure_percentage_local_origin: 30, failure_percentage_minimum_hosts: 2,
                  failure_percentage_request_volume: 10 }""");
        assertEquals(new OutlierDetectionConfig(7, 3, 4, true, Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(60), 40, 90, 100, 80, 3, 20, 1000, 70, 60, 50, 100, 30, 2, 10), c);
    }

    @Test
    void aBaseEjectionTimeAboveTheDefaultMaximumRaisesTheCap() throws Exception {
        OutlierDetectionConfig c = translate("{ base_ejection_time: 600s }");
        assertEquals(Duration.ofSeconds(600), c.ejectionCap());
    }

    @Test
    void rejections() {
        assertRejected(cluster("{ max_ejection_percent: 101 }"), OD + ".max_ejection_percent",
                "must be a percentage from 0 to 100, got 101");
        assertRejected(cluster("{ enforcing_success_rate: 200 }"), OD + ".enforcing_success_rate",
                "must be a percentage from 0 to 100, got 200");
        assertRejected(cluster("{ failure_percentage_threshold: 150 }"), OD + ".failure_percentage_threshold",
                "must be a percentage from 0 to 100, got 150");
        assertRejected(cluster("{ interval: 0s }"), OD + ".interval", "must be greater than 0");
        assertRejected(cluster("{ base_ejection_time: 0s }"), OD + ".base_ejection_time", "must be greater than 0");
        assertRejected(cluster("{ base_ejection_time: 10s, max_ejection_time: 5s }"), OD + ".max_ejection_time",
                "must not be less than base_ejection_time (10s)");
    }

    @Test
    void unsupportedFieldsAreNamed() {
        for (String field : new String[] {"max_ejection_time_jitter: 1s", "successful_active_health_check_uneject_host: true",
                "always_eject_one_host: true"}) {
            String name = field.substring(0, field.indexOf(':'));
            assertRejected(cluster("{ " + field + " }"), OD + "." + name, "field is not supported by Outrigger"
                    + " (supported here: base_ejection_time, consecutive_5xx, consecutive_gateway_failure,"
                    + " consecutive_local_origin_failure, enforcing_consecutive_5xx,"
                    + " enforcing_consecutive_gateway_failure, enforcing_consecutive_local_origin_failure,"
                    + " enforcing_failure_percentage, enforcing_failure_percentage_local_origin,"
                    + " enforcing_local_origin_success_rate, enforcing_success_rate, failure_percentage_minimum_hosts,"
                    + " failure_percentage_request_volume, failure_percentage_threshold, interval,"
                    + " max_ejection_percent, max_ejection_time, split_external_local_origin_errors,"
                    + " success_rate_minimum_hosts, success_rate_request_volume, success_rate_stdev_factor)");
        }
    }
}
