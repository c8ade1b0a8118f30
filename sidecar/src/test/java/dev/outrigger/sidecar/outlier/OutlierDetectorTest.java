package dev.outrigger.sidecar.outlier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.LoadBalancers;
import dev.outrigger.sidecar.metrics.MeterNames;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import io.micrometer.core.instrument.Counter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The detector's algorithms with a fake clock and decisions run inline. */
class OutlierDetectorTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger refreshes = new AtomicInteger();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private List<EndpointState> endpoints;
    private OutlierDetector detector;

    /** Envoy's defaults with some components replaced, by record component name. */
    static OutlierDetectionConfig config(Map<String, Object> overrides) {
        try {
            RecordComponent[] components = OutlierDetectionConfig.class.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = overrides.containsKey(components[i].getName()) ? overrides.get(components[i].getName())
                        : components[i].getAccessor().invoke(OutlierDetectionConfig.DEFAULTS);
            }
            return OutlierDetectionConfig.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private void start(int hosts, Map<String, Object> overrides) {
        List<EndpointConfig> configs = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            configs.add(new EndpointConfig("127.0.0." + (i + 1), 80, 1));
        }
        endpoints = LoadBalancers.endpointStates(configs, List.of());
        detector = new OutlierDetector(config(overrides), "c", () -> endpoints, refreshes::incrementAndGet,
                metrics.cluster("c").outlier(), clock::get, Runnable::run);
    }

    private void record(int host, int outcome, int times) {
        for (int i = 0; i < times; i++) {
            detector.record(endpoints.get(host), outcome);
        }
    }

    private boolean ejected(int host) {
        return endpoints.get(host).hasFlag(EndpointState.OUTLIER_EJECTED);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
        detector.runInterval();
    }

    private double count(String name, String reason) {
        Counter c = metrics.registry().find(name).tags(MeterNames.TAG_CLUSTER, "c", MeterNames.TAG_REASON, reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    private double gauge() {
        return metrics.registry().find(MeterNames.OUTLIER_EJECTED_ENDPOINTS).gauge().value();
    }

    @Test
    void consecutive5xxEjectsAtTheThresholdAndASuccessResetsTheCount() {
        start(3, Map.of());
        record(0, 500, 4);
        record(0, 200, 1);
        record(0, 500, 4);
        assertFalse(ejected(0));
        record(0, 500, 1);
        assertTrue(ejected(0));
        assertEquals(1, refreshes.get());
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_5xx"));
        assertEquals(1, gauge());
        assertEquals(Duration.ofSeconds(30), detector.ejectionTime(endpoints.get(0)));
    }

    @Test
    void gatewayFailuresAreDetectedButNotEnforcedByDefault() {
        start(3, Map.of("consecutive5xx", 100));
        record(1, 503, 5);
        assertFalse(ejected(1));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS_DETECTED, "consecutive_gateway_failure"));
        assertEquals(0, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_gateway_failure"));
    }

    @Test
    void connectFailuresTimeoutsAndResetsAreGatewayFailuresUnlessSplit() {
        start(3, Map.of("consecutive5xx", 100, "enforcingConsecutiveGatewayFailure", 100));
        record(2, OutlierDetector.CONNECT_FAILED, 2);
        record(2, OutlierDetector.TIMEOUT, 1);
        record(2, OutlierDetector.RESET, 1);
        record(2, OutlierDetector.CONNECTED, 3); // no verdict until the response
        assertFalse(ejected(2));
        record(2, 502, 1);
        assertTrue(ejected(2));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_gateway_failure"));
    }

    @Test
    void a500BreaksARunOfGatewayFailures() {
        start(3, Map.of("consecutive5xx", 100, "enforcingConsecutiveGatewayFailure", 100));
        record(0, 503, 4);
        record(0, 500, 1);
        record(0, 504, 4);
        assertFalse(ejected(0));
    }

    @Test
    void splitModeCountsLocalOriginFailuresApart() {
        start(3, Map.of("splitExternalLocalOriginErrors", true, "consecutiveLocalOriginFailure", 3));
        record(0, OutlierDetector.RESET, 2);
        record(0, OutlierDetector.CONNECTED, 1);
        record(0, OutlierDetector.CONNECT_FAILED, 2);
        record(0, 500, 4); // external failures do not add up with local ones
        assertFalse(ejected(0));
        record(0, OutlierDetector.TIMEOUT, 1);
        assertTrue(ejected(0));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_local_origin_failure"));
    }

    @Test
    void maxEjectionPercentAlwaysAllowsOneEndpoint() {
        start(4, Map.of());
        record(0, 500, 5);
        record(1, 500, 5);
        assertTrue(ejected(0));
        assertFalse(ejected(1), "10% of 4 endpoints: only the first one");
        assertEquals(2, count(MeterNames.OUTLIER_EJECTIONS_DETECTED, "consecutive_5xx"));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_5xx"));
    }

    @Test
    void maxEjectionPercentCapsEjections() {
        start(4, Map.of("maxEjectionPercent", 50));
        for (int host = 0; host < 4; host++) {
            record(host, 500, 5);
        }
        assertEquals(List.of(true, true, false, false), List.of(ejected(0), ejected(1), ejected(2), ejected(3)));
        assertEquals(2, gauge());
    }

    @Test
    void ejectionTimeGrowsWithRepeatedEjectionsIsCappedAndDecays() {
        start(3, Map.of("baseEjectionTime", Duration.ofSeconds(10), "maxEjectionTime", Duration.ofSeconds(25)));
        record(0, 500, 5);
        assertEquals(Duration.ofSeconds(10), detector.ejectionTime(endpoints.get(0)));
        advance(Duration.ofSeconds(9));
        assertTrue(ejected(0), "not before base_ejection_time");
        advance(Duration.ofSeconds(1));
        assertFalse(ejected(0));
        assertEquals(0, gauge());
        assertEquals(2, refreshes.get());
        record(0, 500, 5);
        assertEquals(Duration.ofSeconds(20), detector.ejectionTime(endpoints.get(0)));
        advance(Duration.ofSeconds(20));
        assertFalse(ejected(0));
        record(0, 500, 5);
        assertEquals(Duration.ofSeconds(25), detector.ejectionTime(endpoints.get(0)), "capped at max_ejection_time");
        advance(Duration.ofSeconds(25));
        assertFalse(ejected(0));
        // Quiet intervals bring the multiplier down one step each.
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(10));
        }
        record(0, 500, 5);
        assertEquals(Duration.ofSeconds(10), detector.ejectionTime(endpoints.get(0)));
        assertEquals(4, detector.timesEjected(endpoints.get(0)));
    }

    @Test
    void enforcingZeroCountsButDoesNotEject() {
        start(3, Map.of("enforcingConsecutive5xx", 0));
        record(0, 500, 5);
        assertFalse(ejected(0));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS_DETECTED, "consecutive_5xx"));
        assertEquals(0, count(MeterNames.OUTLIER_EJECTIONS, "consecutive_5xx"));
        assertEquals(0, refreshes.get());
    }

    @Test
    void successRateEjectsBelowMeanMinusFactorTimesStdev() {
        start(6, Map.of("consecutive5xx", 0));
        // Rates 100, 100, 100, 100, 50 over 100 requests: mean 90, stdev 20, threshold 90 - 1.9 * 20 = 52.
        for (int host = 0; host < 4; host++) {
            record(host, 200, 100);
        }
        record(4, 200, 50);
        record(4, 500, 50);
        record(5, 500, 99); // below success_rate_request_volume: not counted
        advance(Duration.ofSeconds(10));
        assertTrue(ejected(4));
        assertFalse(ejected(5));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "success_rate"));
    }

    @Test
    void successRateAboveTheThresholdOrTooFewHostsIsNoOutlier() {
        start(5, Map.of("consecutive5xx", 0));
        // Rates 100, 100, 100, 90, 80: mean 94, stdev 8, threshold 94 - 1.9 * 8 = 78.8.
        for (int host = 0; host < 3; host++) {
            record(host, 200, 100);
        }
        record(3, 200, 90);
        record(3, 500, 10);
        record(4, 200, 80);
        record(4, 500, 20);
        advance(Duration.ofSeconds(10));
        assertFalse(ejected(3));
        assertFalse(ejected(4));
        for (int host = 0; host < 3; host++) {
            record(host, 200, 100);
        }
        record(4, 500, 100); // only 4 hosts with volume: fewer than success_rate_minimum_hosts
        advance(Duration.ofSeconds(10));
        assertFalse(ejected(4));
    }

    @Test
    void successRateMath() {
        double[] rates = {100, 100, 100, 100, 50};
        assertEquals(90.0, SuccessRateMath.mean(rates, 5), 1e-9);
        assertEquals(20.0, SuccessRateMath.stdev(rates, 5, 90.0), 1e-9);
        assertEquals(52.0, SuccessRateMath.threshold(rates, 5, 1900), 1e-9);
        assertEquals(70.0, SuccessRateMath.threshold(rates, 5, 1000), 1e-9);
    }

    @Test
    void failurePercentageWhenEnforced() {
        start(5, Map.of("consecutive5xx", 0, "enforcingFailurePercentage", 100, "successRateRequestVolume", 1000));
        for (int host = 0; host < 4; host++) {
            record(host, 200, 50);
        }
        record(4, 200, 5);
        record(4, 500, 45); // 90% failures >= 85%
        advance(Duration.ofSeconds(10));
        assertTrue(ejected(4));
        assertEquals(1, count(MeterNames.OUTLIER_EJECTIONS, "failure_percentage"));
    }

    @Test
    void removedEndpointsLeaveTheGauge() {
        start(3, Map.of());
        record(0, 500, 5);
        assertEquals(1, gauge());
        endpoints = endpoints.subList(1, 3);
        advance(Duration.ofSeconds(10));
        assertEquals(0, gauge());
    }
}
